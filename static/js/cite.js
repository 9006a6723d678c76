/*
 * "Cite this version": a button that copies the ready citation. Without
 * this file the button stays hidden and the citation is selected by hand
 * (one click selects it whole).
 */
(function () {
  "use strict";

  function copy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!source) {
      return;
    }
    var text = source.textContent.replace(/\s+/g, " ").trim();
    function said(message) {
      if (status) {
        status.textContent = message;
      }
    }
    function selectIt() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      said("Selected: press Ctrl+C (or ⌘C) to copy.");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        said("Citation copied.");
      }, selectIt);
    } else {
      selectIt();
    }
  }

  Array.prototype.forEach.call(
    document.querySelectorAll("button[data-copy]"),
    function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    }
  );
})();
