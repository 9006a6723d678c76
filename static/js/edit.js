/*
 * The edit form, enhanced. Everything works without this file: the formsets
 * come with blank rows and every citation block can be opened by hand.
 *
 * - "Add another leader/note" buttons clone the formset's empty form (kept in
 *   a <template>) and count it in the management form's TOTAL_FORMS.
 * - A citation block (<details data-for="…">) opens when the value of the
 *   field it belongs to changes, so the editor sees that a source is needed.
 * - After a refused submit, focus goes to the summary of problems.
 */
(function () {
  "use strict";

  var PREFIX = /__prefix__/g;
  var ATTRIBUTES = ["id", "name", "for", "aria-describedby", "aria-labelledby"];

  function renumber(root, index) {
    var elements = root.querySelectorAll("*");
    Array.prototype.forEach.call(elements, function (element) {
      ATTRIBUTES.forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value && value.indexOf("__prefix__") !== -1) {
          element.setAttribute(attribute, value.replace(PREFIX, String(index)));
        }
      });
    });
  }

  function enhanceFormset(container) {
    var template = container.querySelector("template[data-formset-empty]");
    var rows = container.querySelector("[data-formset-rows]");
    var total = container.querySelector('input[name$="-TOTAL_FORMS"]');
    var maximum = container.querySelector('input[name$="-MAX_NUM_FORMS"]');
    if (!template || !rows || !total) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "add-row";
    button.textContent = container.getAttribute("data-add-label");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (maximum && index >= parseInt(maximum.value, 10)) {
        return;
      }
      var row = template.content.cloneNode(true);
      renumber(row, index);
      var first = row.querySelector("input:not([type=hidden]), textarea");
      rows.appendChild(row);
      total.value = String(index + 1);
      if (first) {
        first.focus();
      }
    });
    rows.insertAdjacentElement("afterend", button);
  }

  function openOnChange(details) {
    var field = document.getElementById(details.getAttribute("data-for"));
    if (!field) {
      return;
    }
    var open = function () {
      details.open = true;
    };
    field.addEventListener("input", open);
    field.addEventListener("change", open);
  }

  function start() {
    var containers = document.querySelectorAll("[data-formset]");
    Array.prototype.forEach.call(containers, enhanceFormset);
    var blocks = document.querySelectorAll("details[data-for]");
    Array.prototype.forEach.call(blocks, openOnChange);
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
