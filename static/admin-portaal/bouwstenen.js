// The building blocks' page while the worker makes a document: the progress part of the page
// is fetched again every few seconds and swapped in place (no page reload, which would move
// the reader's focus and is a timed refresh). Its one-line status is a live region, so a
// screen reader hears the step and, at the end, that the files are ready. Without script the
// page offers a link that shows the progress again.
(function () {
  "use strict";
  var region = document.getElementById("bouwstenen-voortgang");
  if (!region || region.dataset.bezig !== "1") {
    return;
  }
  var seconds = parseInt(region.dataset.seconden, 10) || 2;
  var timer = window.setInterval(function () {
    window.fetch(window.location.href, {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html")
          .getElementById("bouwstenen-voortgang");
        if (!fresh) {
          return;
        }
        region.innerHTML = fresh.innerHTML;
        if (fresh.dataset.bezig !== "1") {
          region.dataset.bezig = "0";
          window.clearInterval(timer);
        }
      })
      .catch(function () { /* the next round tries again */ });
  }, seconds * 1000);
}());
