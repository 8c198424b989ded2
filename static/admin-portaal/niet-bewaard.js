// Staff pages: what someone typed is never dropped without a word. A button that sends
// another form of the page, or a link away from it, is stopped once with a message that
// names the fields still holding unsaved text; pressed again, it goes ahead without them.
// The message comes from the page (data-melding on this script's tag), translated there.
(function () {
  "use strict";
  var script = document.currentScript;
  var MESSAGE = (script && script.dataset.melding) || "%(velden)s";
  var TYPED = "textarea, input:not([type]), input[type=text], input[type=email], " +
    "input[type=url], input[type=tel], input[type=number], input[type=date], input[type=time]";
  var typed = new Set();

  function watched(control) {
    var form = control.form;
    return form && (form.getAttribute("method") || "").toLowerCase() === "post";
  }

  document.addEventListener("input", function (event) {
    var control = event.target;
    if (control.matches && control.matches(TYPED) && watched(control)) {
      typed.add(control);
    }
  });

  // Controls holding text that ``form`` (null for a link) would not send.
  function unsaved(form) {
    var found = [];
    typed.forEach(function (control) {
      if (document.contains(control) && control.form !== form &&
          control.value.trim() !== control.defaultValue.trim()) {
        found.push(control);
      }
    });
    return found;
  }

  function labelOf(control) {
    var label = control.labels && control.labels[0];
    var text = label ? label.textContent : (control.getAttribute("aria-label") || control.name);
    return text.replace(/[:*\s]+$/, "").trim();
  }

  function warn(trigger, controls) {
    var names = [];
    controls.forEach(function (control) {
      var name = labelOf(control);
      if (names.indexOf(name) < 0) { names.push(name); }
    });
    var note = document.createElement("p");
    note.className = "errornote portaal-niet-bewaard";
    note.setAttribute("role", "alert");
    note.textContent = MESSAGE.replace("%(velden)s", "‘" + names.join("’, ‘") + "’");
    trigger.insertAdjacentElement("beforebegin", note);
  }

  function stopOnce(event, trigger, form) {
    if (trigger.dataset.portaalToch === "1") { return; }
    var controls = unsaved(form);
    if (!controls.length) { return; }
    event.preventDefault();
    trigger.dataset.portaalToch = "1";
    warn(trigger, controls);
  }

  document.addEventListener("submit", function (event) {
    stopOnce(event, event.submitter || event.target, event.target);
  });

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey ||
        event.shiftKey || event.altKey) { return; }
    var link = event.target.closest && event.target.closest("#content a[href]");
    if (!link || link.target === "_blank" || link.getAttribute("href").charAt(0) === "#") {
      return;
    }
    stopOnce(event, link, null);
  });
})();
