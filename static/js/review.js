/*
 * The review form, enhanced: the count of fields still undecided, above the
 * decision buttons, follows the reviewer's choices as they make them; and in
 * a section decided claim by claim, each claim's "As the field" choice says
 * what the field's decision makes it (accept or reject).
 * Everything works without this file: the count is then the one the server
 * rendered, approving with a field undecided is refused and says which, and
 * "As the field" follows whatever the field's decision is.
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

  // The words of the field's decision that its claims follow, or none.
  var FOLLOWED = { accept: "Accept", reject: "Reject" };

  function followField(section) {
    var chosen = section.querySelector(
      "fieldset[data-field-label] input[type=radio]:checked"
    );
    var words = chosen && FOLLOWED[chosen.value];
    section.querySelectorAll("select.claim-choice").forEach(function (select) {
      var option = select.querySelector("option[value='']");
      if (option) {
        option.textContent = words ? "As the field: " + words : "As the field";
      }
    });
  }

  form.querySelectorAll("section.proposed-change").forEach(followField);

  form.addEventListener("change", function (event) {
    if (event.target.matches("fieldset[data-field-label] input[type=radio]")) {
      render();
      var section = event.target.closest("section.proposed-change");
      if (section) {
        followField(section);
      }
    }
  });
}());
