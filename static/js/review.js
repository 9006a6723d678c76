/*
 * The review form, enhanced: the count of fields still undecided, above the
 * decision buttons, follows the reviewer's choices as they make them.
 * Everything works without this file: the count is then the one the server
 * rendered, and approving with a field undecided is refused and says which.
 */
(function () {
  "use strict";

  var form = document.querySelector(".review-form");
  var count = document.getElementById("undecided-count");
  if (!form || !count) {
    return;
  }
  var groups = Array.prototype.slice.call(
    form.querySelectorAll("fieldset[data-field-label]")
  );

  function undecided() {
    return groups
      .filter(function (group) {
        return !group.querySelector("input[type=radio]:checked");
      })
      .map(function (group) {
        return group.getAttribute("data-field-label");
      });
  }

  // The same words as templates/review/detail.html.
  function render() {
    var labels = undecided();
    var total = groups.length;
    count.textContent = "";
    if (!labels.length) {
      count.textContent = "Every field has a decision.";
      return;
    }
    var lead = document.createElement("span");
    lead.className = "undecided";
    lead.textContent =
      labels.length + " of " + total + " field" + (total === 1 ? "" : "s") +
      " still undecided:";
    count.appendChild(lead);
    count.appendChild(document.createTextNode(" " + labels.join(", ") + "."));
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("fieldset[data-field-label] input[type=radio]")) {
      render();
    }
  });
}());
