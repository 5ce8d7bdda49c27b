// IOC pages: the period and unit selectors apply on change; the print button opens the
// browser's print dialog (the print stylesheet lays the overview out on A4 landscape).
(function () {
  "use strict";
  document.querySelectorAll("[data-ioc-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("[data-ioc-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // Wall mode with rotation (data-ioc-rotate="N"): the whole overview, then each card on the
  // whole grid for N seconds in turn; after a round the page reloads with fresh figures.
  var wall = document.querySelector("[data-ioc-rotate]");
  if (wall) {
    var seconds = parseInt(wall.getAttribute("data-ioc-rotate"), 10) || 20;
    var cards = Array.prototype.slice.call(wall.querySelectorAll(".ioc-grid > .ioc-card, .ioc-main > .ioc-card, .ioc-stack > .ioc-card"));
    var step = 0;
    window.setInterval(function () {
      cards.forEach(function (card) { card.classList.remove("is-focused"); });
      step += 1;
      if (step > cards.length) { window.location.reload(); return; }
      cards[step - 1].classList.add("is-focused");
    }, seconds * 1000);
  }
})();
