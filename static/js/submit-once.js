// A form with a [data-once] button is sent once: after the first submit the button is disabled
// and further submits are ignored. Without JavaScript, the server's idempotency key does the
// same job (a second identical request returns the application the first one submitted).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var buttons = form.querySelectorAll("[data-once]");
    if (!buttons.length) {
      return;
    }
    if (form.getAttribute("data-submitted") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted", "true");
    // Disabled after the browser has read the form, so that the button's own value is sent.
    window.setTimeout(function () {
      buttons.forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
    }, 0);
  });
})();
