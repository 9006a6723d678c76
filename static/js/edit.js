/*
 * The edit form, enhanced. Everything works without this file: each
 * section comes with a blank claim row, Position numbers reorder rows,
 * "Preview" shows the changed sections, and every citation block can be
 * opened by hand.
 *
 * - "Add a claim/leader/note" buttons go to the section's blank row, or,
 *   when there is none, clone the formset's empty form (kept in a
 *   <template>) and count it in the management form's TOTAL_FORMS; a new
 *   note gets the number after the highest.
 * - "Move up" and "Move down" buttons reorder a section's rows and write
 *   the Position numbers the server orders them by.
 * - A note typed into the notes' rows is offered at once in every claim's
 *   list of citations.
 * - The preview of each changed section updates as the editor types: the
 *   form is posted with action=preview&fragment=1, which writes nothing
 *   and answers the previews alone.
 * - A citation block (<details data-for="…">) opens when the value of the
 *   field it belongs to changes, so the editor sees that a source is needed.
 * - After a refused submit, focus goes to the summary of problems.
 */
(function () {
  "use strict";

  var PREFIX = /__prefix__/g;
  var ATTRIBUTES = ["id", "name", "for", "aria-describedby", "aria-labelledby"];
  var PREVIEW_DELAY = 700;

  function each(list, callback) {
    Array.prototype.forEach.call(list, callback);
  }

  function renumber(root, index) {
    each(root.querySelectorAll("*"), function (element) {
      ATTRIBUTES.forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value && value.indexOf("__prefix__") !== -1) {
          element.setAttribute(attribute, value.replace(PREFIX, String(index)));
        }
      });
    });
  }

  function rowsOf(container) {
    return Array.prototype.filter.call(
      container.querySelector("[data-formset-rows]").children,
      function (child) {
        return child.tagName === "FIELDSET";
      }
    );
  }

  /* Positions follow the rows' order on the page. */
  function writePositions(container) {
    rowsOf(container).forEach(function (row, index) {
      var position = row.querySelector("input.row-position");
      if (position) {
        position.value = String(index + 1);
      }
    });
  }

  function legendOf(row) {
    var legend = row.querySelector("legend");
    return legend ? legend.textContent : "this row";
  }

  function addMoveButtons(container, row) {
    var controls = row.querySelector(".row-controls");
    if (!controls || !row.querySelector("input.row-position")) {
      return;
    }
    [
      ["up", "Move up", -1],
      ["down", "Move down", 1],
    ].forEach(function (move) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "move-row";
      button.textContent = move[1];
      button.setAttribute("aria-label", move[1] + ": " + legendOf(row));
      button.addEventListener("click", function () {
        var rows = rowsOf(container);
        var index = rows.indexOf(row);
        var other = rows[index + move[2]];
        if (!other) {
          return;
        }
        if (move[2] < 0) {
          other.parentNode.insertBefore(row, other);
        } else {
          other.parentNode.insertBefore(other, row);
        }
        writePositions(container);
        button.focus();
        schedulePreview();
      });
      controls.appendChild(button);
    });
  }

  /* A new note gets the number after the highest one on the page. */
  function numberNote(root) {
    var number = root.querySelector("input.note-number");
    if (number && !number.value) {
      number.value = String(nextNoteNumber());
    }
  }

  function firstInput(root) {
    return root.querySelector("input:not([type=hidden]), textarea, select");
  }

  /* A row nothing is typed or picked in (its position aside). */
  function isBlank(row) {
    var typed = row.querySelectorAll(
      "textarea, input[type=text], input[type=date], input[type=url], input.note-number"
    );
    var empty = Array.prototype.every.call(typed, function (input) {
      return !input.value.trim();
    });
    return empty && !row.querySelector("select[multiple] option:checked");
  }

  function enhanceFormset(container) {
    var template = container.querySelector("template[data-formset-empty]");
    var rows = container.querySelector("[data-formset-rows]");
    var total = container.querySelector('input[name$="-TOTAL_FORMS"]');
    var maximum = container.querySelector('input[name$="-MAX_NUM_FORMS"]');
    if (!template || !rows || !total) {
      return;
    }
    rowsOf(container).forEach(function (row) {
      addMoveButtons(container, row);
    });
    var button = document.createElement("button");
    button.type = "button";
    button.className = "add-row";
    button.textContent = container.getAttribute("data-add-label");
    button.addEventListener("click", function () {
      var rowsNow = rowsOf(container);
      var last = rowsNow[rowsNow.length - 1];
      if (last && isBlank(last)) {
        /* The page's blank row comes first: no second blank row. */
        numberNote(last);
        firstInput(last).focus();
        return;
      }
      var index = parseInt(total.value, 10);
      if (maximum && index >= parseInt(maximum.value, 10)) {
        return;
      }
      var fragment = template.content.cloneNode(true);
      renumber(fragment, index);
      var row = fragment.querySelector("fieldset");
      var first = firstInput(fragment);
      numberNote(fragment);
      rows.appendChild(fragment);
      total.value = String(index + 1);
      if (row) {
        addMoveButtons(container, row);
        writePositions(container);
      }
      if (first) {
        first.focus();
      }
    });
    rows.insertAdjacentElement("afterend", button);
  }

  /* Notes ------------------------------------------------------------- */

  function typedNotes() {
    var notes = {};
    var container = document.querySelector("[data-notes]");
    if (!container) {
      return notes;
    }
    rowsOf(container).forEach(function (row) {
      var number = row.querySelector("input.note-number");
      var text = row.querySelector("textarea");
      var work = row.querySelector('input[name$="-work"]');
      var removed = row.querySelector('input[name$="-DELETE"]');
      var value = number ? parseInt(number.value, 10) : NaN;
      if (isNaN(value) || value < 1 || (removed && removed.checked)) {
        return;
      }
      var words = (text && text.value.trim()) || (work && work.value.trim());
      notes[value] = words || "New note";
    });
    return notes;
  }

  function nextNoteNumber() {
    var highest = 0;
    Object.keys(typedNotes()).forEach(function (number) {
      highest = Math.max(highest, parseInt(number, 10));
    });
    return highest + 1;
  }

  function shorten(text) {
    var words = text.replace(/\s+/g, " ");
    return words.length > 60 ? words.slice(0, 59) + "…" : words;
  }

  function offerNotes(select, notes) {
    var present = {};
    each(select.options, function (option) {
      present[option.value] = option;
    });
    Object.keys(notes).forEach(function (key) {
      if (present[key]) {
        return;
      }
      var option = document.createElement("option");
      option.value = key;
      option.textContent = key + " · " + shorten(notes[key]);
      var number = parseInt(key, 10);
      var before = Array.prototype.find.call(select.options, function (other) {
        return parseInt(other.value, 10) > number;
      });
      select.insertBefore(option, before || null);
    });
  }

  function offerTypedNotes() {
    var notes = typedNotes();
    each(document.querySelectorAll('select[name$="-citations"]'), function (select) {
      offerNotes(select, notes);
    });
    each(document.querySelectorAll("template[data-formset-empty]"), function (template) {
      each(template.content.querySelectorAll('select[name$="-citations"]'), function (select) {
        offerNotes(select, notes);
      });
    });
  }

  /* Preview ----------------------------------------------------------- */

  var form = null;
  var timer = null;
  var asked = 0;

  function schedulePreview() {
    if (!form || !window.fetch || !window.FormData) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(preview, PREVIEW_DELAY);
  }

  function preview() {
    var data = new FormData(form);
    data.set("action", "preview");
    data.set("fragment", "1");
    asked += 1;
    var mine = asked;
    window
      .fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null || mine !== asked) {
          return;
        }
        var answer = document.createElement("template");
        answer.innerHTML = html;
        each(answer.content.querySelectorAll("[data-preview-for]"), function (fresh) {
          var place = document.getElementById(fresh.id);
          if (place) {
            place.innerHTML = fresh.innerHTML;
          }
        });
      })
      .catch(function () {
        /* The "Preview" button still works. */
      });
  }

  /* Citation blocks ------------------------------------------------------ */

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
    each(document.querySelectorAll("[data-formset]"), enhanceFormset);
    each(document.querySelectorAll("details[data-for]"), openOnChange);
    form = document.querySelector("form[data-preview]");
    if (form) {
      var watch = function (event) {
        var target = event.target;
        if (target.closest("[data-notes]")) {
          offerTypedNotes();
        }
        if (target.closest("[data-claims]") || target.closest("[data-notes]")) {
          schedulePreview();
        }
      };
      form.addEventListener("input", watch);
      form.addEventListener("change", watch);
    }
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
