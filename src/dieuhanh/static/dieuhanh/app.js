/* Điều Hành — small enhancements of server-rendered pages. Every page works without this file:
   it only adds milestone rows, shows the one input an adjustment needs, asks before a
   cancellation, lets the success messages fade away and keeps a polled live region quiet while
   nothing changes. */
(function () {
  "use strict";

  /* "+ Thêm mốc": clone the formset's empty row (Django's __prefix__ form) and bump TOTAL_FORMS. */
  function setUpFormset(container) {
    var prefix = container.getAttribute("data-formset");
    var body = container.querySelector("[data-formset-body]");
    var template = container.querySelector("template[data-formset-template]");
    var total = container.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var button = container.querySelector("[data-formset-add]");
    if (!body || !template || !total || !button) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__number__/g, String(index + 1));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = body.lastElementChild && body.lastElementChild.querySelector("input");
      if (first) first.focus();
    });
  }

  /* The adjustment form: show only the "new value" input matching the chosen field. */
  function setUpAdjust(form) {
    var select = form.querySelector("select[name='field']");
    if (!select) return;
    var groups = form.querySelectorAll("[data-adjust-for]");
    function update() {
      groups.forEach(function (group) {
        var fields = group.getAttribute("data-adjust-for").split(" ");
        group.hidden = fields.indexOf(select.value) === -1;
      });
    }
    select.addEventListener("change", update);
    update();
  }

  function setUpConfirm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  }

  /* A choice that applies at once (<select data-submit-on-change>): no inline handler, which the
     Content Security Policy forbids. */
  function setUpSubmitOnChange(select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }

  function setUpToasts() {
    document.querySelectorAll("[data-toast]").forEach(function (toast) {
      function hide() {
        toast.classList.add("is-hidden");
        window.setTimeout(function () { toast.remove(); }, 350);
      }
      var close = toast.querySelector("[data-dismiss]");
      if (close) close.addEventListener("click", hide);
      if (!toast.classList.contains("toast--error")) window.setTimeout(hide, 6000);
    });
  }

  /* A polled fragment (hx-trigger="every …") that brings what is already shown swaps nothing, so a
     live region (the header's unread count) speaks only when its words change. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.getAttribute("aria-live") && target.innerHTML === event.detail.serverResponse) {
      event.detail.shouldSwap = false;
    }
  });

  function init() {
    document.querySelectorAll("[data-formset]").forEach(setUpFormset);
    document.querySelectorAll("form[data-adjust]").forEach(setUpAdjust);
    document.querySelectorAll("form[data-confirm]").forEach(setUpConfirm);
    document.querySelectorAll("select[data-submit-on-change]").forEach(setUpSubmitOnChange);
    setUpToasts();
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
