/*
 * Adds and removes rows of Django formsets without reloading the page (nested formsets too).
 *
 * Markup contract:
 *   <div data-formset-prefix="axes">            the formset, with its management form inside
 *     <div data-formset-list> … rows … </div>
 *     <template data-formset-template> one empty row, "__prefix__" standing for its index </template>
 *     <button type="button" data-formset-add>Ajouter…</button>
 *   </div>
 *   A row is [data-formset-row]; its [data-formset-remove] button ticks the row's DELETE box and
 *   hides it, so the server deletes saved rows and ignores new ones.
 *   A new row's nested formsets (an axis's actions) start with one empty row of their own.
 *   An element [data-error-summary] (the list of a refused form's errors) gets the focus on load.
 */
(function () {
  "use strict";

  function ownChild(container, selector) {
    return Array.from(container.children).find(function (child) {
      return child.matches(selector);
    });
  }

  function addRow(container, focus) {
    var prefix = container.dataset.formsetPrefix;
    var total = container.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = ownChild(container, "template[data-formset-template]");
    var list = ownChild(container, "[data-formset-list]");
    var index = parseInt(total.value, 10);
    // Only this formset's placeholder: a nested formset keeps its own "__prefix__" for later.
    var html = template.innerHTML.split(prefix + "-__prefix__").join(prefix + "-" + index);
    list.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    var row = list.lastElementChild;
    // The formsets nested in the new row, not in one of its own rows.
    row.querySelectorAll("[data-formset-prefix]").forEach(function (nested) {
      if (nested.parentElement.closest("[data-formset-row]") === row) {
        addRow(nested, false);
      }
    });
    var field = row.querySelector("input:not([type=hidden]), select, textarea");
    if (field && focus !== false) {
      field.focus();
    }
  }

  function removeRow(button) {
    var row = button.closest("[data-formset-row]");
    var container = row.closest("[data-formset-prefix]");
    // The row's own box, not that of a row nested in it (an axis holds its actions' rows).
    var deleteBox = Array.from(
      row.querySelectorAll('input[type=checkbox][name$="-DELETE"]')
    ).find(function (box) {
      return box.closest("[data-formset-row]") === row;
    });
    if (deleteBox) {
      deleteBox.checked = true;
    }
    row.hidden = true;
    var add = ownChild(container, "[data-formset-add]");
    if (add) {
      add.focus();
    }
  }

  // After a refused submission, move to the error summary so it is read first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-formset-add]");
    if (add) {
      event.preventDefault();
      addRow(add.closest("[data-formset-prefix]"));
      return;
    }
    var remove = event.target.closest("[data-formset-remove]");
    if (remove) {
      event.preventDefault();
      removeRow(remove);
    }
  });
})();
