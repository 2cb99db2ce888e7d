/*
 * Searchable selects, with the keyboard as well as the mouse (tom-select, from node_modules):
 * type a few letters to narrow the list, the arrows to move, Enter (or Space, before anything
 * is typed) to add the highlighted choice or to remove it when already chosen, Backspace to
 * remove the last choice, Escape to close. Without this script the plain <select> remains.
 *
 * Markup contract:
 *   <label for="id_themes">…</label>
 *   <select id="id_themes" data-searchable-select [multiple]>   the field, as Django writes it
 * The <label> then names the search box; the field's help text and error describe it.
 */
(function () {
  "use strict";

  var CHOSEN_TEXT = " (choisi)";

  function toggleChosenText(option, chosen) {
    if (!option) {
      return;
    }
    var mark = option.querySelector(".ts-chosen");
    if (chosen && !mark) {
      mark = document.createElement("span");
      mark.className = "ts-chosen visually-hidden";
      mark.textContent = CHOSEN_TEXT;
      option.appendChild(mark);
    } else if (!chosen && mark) {
      mark.remove();
    }
  }

  function enhance(select) {
    if (select.tomselect) {
      return;
    }
    var multiple = select.multiple;
    var control = new TomSelect(select, {
      // A chosen option stays in the list, marked: choosing it again removes it.
      hideSelected: false,
      closeAfterSelect: !multiple,
      allowEmptyOption: !multiple,
      maxOptions: null,
      // Narrow the list at each key typed, not 300 ms later: Enter right after typing picks
      // from the narrowed list, not from the one before.
      refreshThrottle: 0,
      plugins: multiple ? { remove_button: { title: "Retirer" } } : [],
      render: {
        no_results: function () {
          return '<div class="no-results">Aucun choix ne correspond.</div>';
        },
        option: function (data, escape) {
          var chosen = control && control.items.indexOf(String(data.value)) !== -1;
          return (
            "<div>" + escape(data.text) +
            (chosen ? '<span class="ts-chosen visually-hidden">' + CHOSEN_TEXT + "</span>" : "") +
            "</div>"
          );
        },
      },
    });
    var input = control.control_input;

    // Help text and errors describe the search box, as they described the select.
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (select.hasAttribute(name)) {
        input.setAttribute(name, select.getAttribute(name));
      }
    });
    // The select stays for the form's sake only: assistive technologies read the search box.
    select.setAttribute("aria-hidden", "true");

    if (multiple) {
      // Enter (or a click) on a chosen option removes it.
      var select_option = control.onOptionSelect.bind(control);
      control.onOptionSelect = function (event, option) {
        var value = option && option.dataset.value;
        if (value !== undefined && control.items.indexOf(value) !== -1) {
          if (event && event.preventDefault) {
            event.preventDefault();
          }
          control.removeItem(value);
          control.refreshOptions(false);
          return;
        }
        select_option(event, option);
      };
      control.on("item_add", function (value) {
        toggleChosenText(control.getOption(value), true);
        // The search box empties for the next choice, the whole list shown again.
        if (input.value !== "") {
          control.setTextboxValue("");
          control.refreshOptions(false);
        }
      });
      control.on("item_remove", function (value) {
        toggleChosenText(control.getOption(value), false);
      });
    }

    // Space picks the highlighted option while nothing is typed; after a letter it is a space.
    input.addEventListener("keydown", function (event) {
      if (event.key !== " " || input.value !== "" || !control.isOpen || !control.activeOption) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      control.onOptionSelect(event, control.activeOption);
    }, true);
  }

  function enhanceAll(root) {
    if (typeof TomSelect === "undefined") {
      return;
    }
    root.querySelectorAll("select[data-searchable-select]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhanceAll(document);
  });
})();
