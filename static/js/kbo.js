// Once a valid enterprise number is typed, offers the name and registered office that the
// enterprise register (KBO) knows for it: "Is dit uw organisatie?". Nothing is filled in
// without the visitor's click, and without JavaScript the form works as before. A stopped
// enterprise is not offered, and a number that already registered in this round points to
// the edit link ("Link kwijt?"): both say why, before the visitor fills in the rest.
// The texts come from the page (data-kbo-* on the form), so they are translated with it.
(function () {
  "use strict";

  function compact(value) {
    var digits = (value || "").replace(/^\s*BE/i, "").replace(/[\s.\-\/]/g, "");
    if (/^\d{9}$/.test(digits)) { digits = "0" + digits; }
    return /^\d{10}$/.test(digits) ? digits : null;
  }

  // The number's last two digits check the first eight (mod 97), as the server checks.
  function checks(digits) {
    return 97 - (parseInt(digits.slice(0, 8), 10) % 97) === parseInt(digits.slice(8), 10);
  }

  function text(form, name) { return form.getAttribute("data-kbo-" + name) || ""; }

  function fill(form, name, value) {
    var field = form.querySelector('[name="' + name + '"]');
    if (!field || !value) { return; }
    field.value = value;
    // The page's other script shows the Brussels question when the postcode asks for it.
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-kbo-opzoeken]");
    if (!form || !window.fetch) { return; }
    var input = form.querySelector('[name="ondernemingsnummer"]');
    if (!input) { return; }
    var anchor = document.getElementById("div_" + input.id) || input.parentNode;

    var box = document.createElement("div");
    box.id = "kbo-aanbod";
    box.className = "alert alert-info mt-2";
    box.hidden = true;
    var message = document.createElement("p");
    message.className = "mb-2";
    message.setAttribute("aria-live", "polite");
    var buttons = document.createElement("div");
    buttons.className = "d-flex flex-wrap gap-2";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "btn btn-primary btn-sm";
    yes.textContent = text(form, "ja");
    var no = document.createElement("button");
    no.type = "button";
    no.className = "btn btn-outline-dark btn-sm";
    no.textContent = text(form, "nee");
    buttons.appendChild(yes);
    buttons.appendChild(no);
    var link = document.createElement("a");
    link.className = "alert-link";
    link.href = text(form, "link-kwijt");
    link.textContent = text(form, "link-kwijt-tekst");
    link.hidden = true;
    box.appendChild(message);
    box.appendChild(link);
    box.appendChild(buttons);
    anchor.parentNode.insertBefore(box, anchor.nextSibling);

    var asked = null;   // the number last looked up
    var offer = null;   // what the register said of it
    var timer = null;

    function hide() { box.hidden = true; offer = null; }

    function show(found) {
      offer = found;
      var place = [found.postcode, found.gemeente].filter(Boolean).join(" ");
      var address = [found.straat, place, found.land].filter(Boolean).join(", ");
      message.textContent = text(form, "vraag") + " " + found.naam + (address ? ", " + address : "");
      box.className = "alert alert-info mt-2";
      link.hidden = true;
      buttons.hidden = false;
      box.hidden = false;
    }

    // Nothing to fill in: say why (and, for a number that registered, where to go instead).
    function warn(words, withLink) {
      offer = null;
      message.textContent = words;
      box.className = "alert alert-warning mt-2";
      link.hidden = !withLink;
      buttons.hidden = true;
      box.hidden = false;
    }

    function lookUp() {
      var digits = compact(input.value);
      if (!digits || !checks(digits)) { asked = null; hide(); return; }
      if (digits === asked) { return; }
      asked = digits;
      hide();
      var url = text(form, "opzoeken").replace("0000000000", digits);
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          // "Not found" (404) still says whether the number registered; a limit (429) nothing.
          return response.ok || response.status === 404 ? response.json() : null;
        })
        .then(function (found) {
          // Only the answer to the number still in the field counts.
          if (!found || compact(input.value) !== digits) { return; }
          if (found.geregistreerd) { warn(text(form, "geregistreerd"), true); return; }
          if (!found.gevonden) { return; }
          if (found.actief === false) { warn(text(form, "gestopt"), false); return; }
          show(found);
        })
        .catch(function () { /* no offer: the visitor types name and address */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookUp, 400);
    });
    input.addEventListener("change", lookUp);

    yes.addEventListener("click", function () {
      if (!offer) { return; }
      fill(form, "naam", offer.naam);
      fill(form, "straat", offer.straat);
      fill(form, "postcode", offer.postcode);
      fill(form, "gemeente", offer.gemeente);
      offer = null;
      buttons.hidden = true;
      message.textContent = text(form, "ingevuld");
      var naam = form.querySelector('[name="naam"]');
      if (naam) { naam.focus(); }
    });
    no.addEventListener("click", function () {
      hide();
      input.focus();
    });
  });
})();
