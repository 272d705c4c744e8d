/*
 * Progressive enhancement for application forms (approvals/dynamic_forms): hide the fields whose
 * condition does not hold, and show them again when the answer they depend on changes.
 *
 * Without this script every field shows, with a hint saying when to answer it; the server decides
 * either way and drops the answers to hidden fields. Markup:
 *   <div class="conditional-field" data-show-if-field="category"
 *        data-show-if-values='["catering"]'> … </div>
 */
(function () {
  "use strict";

  function isHidden(element) {
    var wrapper = element.closest(".conditional-field");
    return wrapper !== null && wrapper.hidden;
  }

  // The current answer of the field called `name`: a string, a boolean (a single checkbox), or
  // null when it is unanswered or itself hidden.
  function currentValue(form, name) {
    var controls = Array.prototype.filter.call(form.elements, function (element) {
      return element.name === name;
    });
    if (controls.length === 0 || isHidden(controls[0])) {
      return null;
    }
    var first = controls[0];
    if (first.type === "radio") {
      var checked = controls.filter(function (control) { return control.checked; });
      return checked.length ? checked[0].value : null;
    }
    if (first.type === "checkbox" && controls.length === 1) {
      return first.checked;
    }
    var value = (first.value || "").trim();
    return value === "" ? null : value;
  }

  function matches(value, accepted) {
    if (value === null) {
      return false;
    }
    if (typeof accepted === "boolean") {
      return value === accepted;
    }
    if (typeof accepted === "number") {
      return typeof value === "string" && Number(value) === accepted;
    }
    return value === accepted;
  }

  function update(form) {
    var wrappers = form.querySelectorAll(".conditional-field[data-show-if-field]");
    // Conditions may depend on fields that are conditional themselves: repeat until stable.
    for (var pass = 0; pass <= wrappers.length; pass += 1) {
      var changed = false;
      Array.prototype.forEach.call(wrappers, function (wrapper) {
        var accepted;
        try {
          accepted = JSON.parse(wrapper.getAttribute("data-show-if-values") || "[]");
        } catch (error) {
          return;
        }
        var value = currentValue(form, wrapper.getAttribute("data-show-if-field"));
        var shown = accepted.some(function (option) { return matches(value, option); });
        if (wrapper.hidden === shown) {
          wrapper.hidden = !shown;
          changed = true;
        }
      });
      if (!changed) {
        break;
      }
    }
  }

  function init() {
    var seen = [];
    Array.prototype.forEach.call(document.querySelectorAll(".conditional-field"), function (wrapper) {
      var form = wrapper.closest("form");
      if (form === null || seen.indexOf(form) !== -1) {
        return;
      }
      seen.push(form);
      form.addEventListener("change", function () { update(form); });
      form.addEventListener("input", function () { update(form); });
      update(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
