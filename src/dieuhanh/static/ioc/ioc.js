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
})();
