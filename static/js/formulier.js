// Shows follow-up questions only when they matter; without JavaScript they all stay visible.
(function () {
  "use strict";
  function block(id) { return document.getElementById(id); }
  function field(name) { return document.querySelector('[name="' + name + '"]'); }
  function hasError(el) { return el && el.querySelector(".is-invalid, .invalid-feedback"); }
  function toggle(blockId, show) {
    var el = block(blockId);
    if (!el) { return; }
    var input = el.querySelector("input, textarea, select");
    el.hidden = !(show || hasError(el) || (input && input.value.trim() !== ""));
  }
  // The range comes from the server (data-brussel-van/-tot on the postcode field).
  function isBrussels(input) {
    var value = input.value || "";
    var n = parseInt(value.trim(), 10);
    var van = parseInt(input.getAttribute("data-brussel-van"), 10);
    var tot = parseInt(input.getAttribute("data-brussel-tot"), 10);
    return /^\s*\d{4}\s*$/.test(value) && n >= van && n <= tot;
  }
  function update() {
    var postcode = field("postcode");
    var rechtsvorm = field("rechtsvorm");
    var type = field("type_organisatie");
    var themaAndere = document.querySelector('input[name="themas"][value="andere"]');
    toggle("blok_toelichting_werking", postcode && isBrussels(postcode));
    toggle("blok_rechtsvorm_andere", rechtsvorm && rechtsvorm.value === "andere");
    toggle("blok_type_andere", type && type.value === "andere");
    toggle("blok_thema_andere", themaAndere && themaAndere.checked);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form");
    if (!form) { return; }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
    var summary = document.getElementById("foutoverzicht");
    if (summary) { summary.focus(); }
    preventDoubleSubmit(form);
  });
  // One click sends the form once: the button disables itself until the answer arrives.
  // (The server also sends a second POST of the same session to the confirmation.)
  function preventDoubleSubmit(form) {
    var button = form.querySelector("button[type=submit][data-eenmaal]");
    if (!button) { return; }
    var label = button.textContent;
    form.addEventListener("submit", function (event) {
      // Let other handlers (the spam check) cancel first; disable only a real submission.
      setTimeout(function () {
        if (event.defaultPrevented) { return; }
        button.disabled = true;
        button.textContent = button.getAttribute("data-eenmaal");
      }, 0);
    });
    // Back from the next page (bfcache): the form can be sent again.
    window.addEventListener("pageshow", function () {
      button.disabled = false;
      button.textContent = label;
    });
  }
})();
