// The form's spam check: the self-hosted ALTCHA widget (static/vendor/altcha) solves a small
// proof of work in a web worker and puts its answer in the hidden field "altcha". Without
// JavaScript nothing appears here; the server then accepts the form and flags it for staff.
import "../vendor/altcha/altcha.min.js";
import "../vendor/altcha/i18n/nl.js";

const plaats = document.getElementById("spamcontrole");
if (plaats) {
  // Registered before the widget exists, so that it never falls back to a blob: worker.
  globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(plaats.dataset.worker));
  const widget = document.createElement("altcha-widget");
  widget.setAttribute("challenge", plaats.dataset.challenge);
  widget.setAttribute("name", "altcha");
  widget.setAttribute("language", "nl");
  widget.setAttribute("auto", "onload");
  plaats.appendChild(widget);
}
