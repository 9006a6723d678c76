/*
 * Note popovers on the profile page. Everything works without this file:
 * each footnote mark is a link to its note (#note-N) at the foot of the page.
 *
 * - Hovering or focusing a mark shows its note's text, as written, in a
 *   popover beside it (role="tooltip"); Escape, leaving it or moving focus
 *   away hides it. The pointer may move onto the popover to read or select
 *   it (WCAG 1.4.13).
 * - A mark's accessible description is its note's text (aria-describedby
 *   pointing at the note itself), so a screen reader says the note with the
 *   mark wherever the popover is.
 * - On a touch screen the first tap on a mark shows its note; tapping the
 *   same mark again follows the link to the note; tapping elsewhere hides it.
 * - The popover holds the note's words as plain text (textContent), in the
 *   note's own language and direction.
 */
(function () {
  "use strict";

  var MARKS = 'sup.fn a[href^="#note-"]';
  var HIDE_DELAY = 300;

  var popover = null;
  var current = null;
  var hideTimer = null;
  var lastPointer = "";
  var openBeforeTap = false;

  function noteText(link) {
    var note = document.getElementById(link.getAttribute("href").slice(1));
    if (!note) {
      return null;
    }
    // The note as written is the first child of its list item.
    var text = note.firstElementChild;
    return text && text.tagName === "SPAN" ? text : null;
  }

  function build() {
    popover = document.createElement("div");
    popover.id = "note-popover";
    popover.className = "note-popover";
    popover.setAttribute("role", "tooltip");
    popover.hidden = true;
    popover.addEventListener("mouseenter", cancelHide);
    popover.addEventListener("mouseleave", function () {
      hideSoon();
    });
    document.body.appendChild(popover);
  }

  function place(link) {
    var mark = link.getBoundingClientRect();
    var margin = 8;
    var width = popover.offsetWidth;
    var height = popover.offsetHeight;
    var viewport = document.documentElement.clientWidth;
    var left = Math.min(
      Math.max(mark.left, margin),
      Math.max(viewport - width - margin, margin)
    );
    var top = mark.bottom + 6;
    if (top + height > window.innerHeight && mark.top - height - 6 > 0) {
      top = mark.top - height - 6;
    }
    popover.style.left = left + window.scrollX + "px";
    popover.style.top = top + window.scrollY + "px";
  }

  function show(link) {
    var text = noteText(link);
    if (!text) {
      return;
    }
    cancelHide();
    if (!popover) {
      build();
    }
    var number = link.getAttribute("href").slice("#note-".length);
    popover.textContent = "";
    var label = document.createElement("span");
    label.className = "note-popover-number";
    label.textContent = "Note " + number + ".";
    var body = document.createElement("span");
    body.textContent = text.textContent;
    body.setAttribute("dir", text.getAttribute("dir") || "auto");
    if (text.getAttribute("lang")) {
      body.setAttribute("lang", text.getAttribute("lang"));
    }
    popover.appendChild(label);
    popover.appendChild(document.createTextNode(" "));
    popover.appendChild(body);
    if (lastPointer === "touch") {
      var hint = document.createElement("span");
      hint.className = "note-popover-hint";
      hint.textContent = "Tap the mark again to go to the note.";
      popover.appendChild(hint);
    }
    popover.hidden = false;
    current = link;
    place(link);
  }

  function hide() {
    cancelHide();
    if (popover) {
      popover.hidden = true;
    }
    current = null;
  }

  function hideSoon() {
    cancelHide();
    hideTimer = window.setTimeout(hide, HIDE_DELAY);
  }

  function cancelHide() {
    if (hideTimer) {
      window.clearTimeout(hideTimer);
      hideTimer = null;
    }
  }

  function markOf(target) {
    return target && target.closest ? target.closest(MARKS) : null;
  }

  function describe() {
    Array.prototype.forEach.call(document.querySelectorAll(MARKS), function (link) {
      var text = noteText(link);
      if (!text) {
        return;
      }
      if (!text.id) {
        text.id = link.getAttribute("href").slice(1) + "-text";
      }
      link.setAttribute("aria-describedby", text.id);
    });
  }

  document.addEventListener("pointerdown", function (event) {
    var link = markOf(event.target);
    lastPointer = event.pointerType;
    // Whether this mark's note was open before the tap: the focus and the
    // mouse events a tap brings open it before its click arrives.
    openBeforeTap = Boolean(link && link === current && popover && !popover.hidden);
    if (popover && !popover.hidden && !link && !popover.contains(event.target)) {
      hide();
    }
  });

  document.addEventListener("mouseover", function (event) {
    var link = markOf(event.target);
    if (link && link !== current) {
      show(link);
    } else if (link) {
      cancelHide();
    }
  });

  document.addEventListener("mouseout", function (event) {
    var link = markOf(event.target);
    if (link && link === current && !link.contains(event.relatedTarget)) {
      hideSoon();
    }
  });

  document.addEventListener("focusin", function (event) {
    var link = markOf(event.target);
    if (link) {
      show(link);
    }
  });

  document.addEventListener("focusout", function (event) {
    if (markOf(event.target) === current) {
      hide();
    }
  });

  document.addEventListener("click", function (event) {
    var link = markOf(event.target);
    if (!link || lastPointer !== "touch") {
      return;
    }
    // First tap: read the note here. Second tap on the same mark: go to it.
    if (openBeforeTap) {
      hide();
    } else {
      event.preventDefault();
      show(link);
    }
    openBeforeTap = false;
  });

  document.addEventListener("keydown", function (event) {
    // Enter on a mark follows it, whatever pointer was used before.
    lastPointer = "";
    if (event.key === "Escape" && popover && !popover.hidden) {
      hide();
    }
  });

  window.addEventListener("resize", function () {
    if (current && popover && !popover.hidden) {
      place(current);
    }
  });

  describe();
})();
