// Gives each autocomplete search box (select2) the accessible name of the field it fills in:
// select2 names its box only after a choice is made, so an empty row would have no name.
// select2 builds its boxes after the page is ready (and again for every added row), so
// every change of the page is watched.
(function () {
  "use strict";
  function label() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var name = select.getAttribute("aria-label") || select.getAttribute("data-placeholder");
      var box = select.nextElementSibling;
      if (!name || !box || !box.classList.contains("select2")) { return; }
      box.querySelectorAll(".select2-selection, .select2-selection__rendered").forEach(function (el) {
        if (el.getAttribute("aria-label") !== name) { el.setAttribute("aria-label", name); }
      });
    });
  }
  new MutationObserver(label).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", label);
})();
