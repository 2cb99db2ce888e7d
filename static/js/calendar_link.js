/*
 * The personal calendar URL on the reminders page: a button copies it, and the reset form asks
 * for confirmation first.
 *
 * Markup contract:
 *   <input id="calendar-url" readonly>                     the URL (selected when focused)
 *   <button data-copy-target="calendar-url" hidden>        shown here, as it needs this script
 *   <p data-copy-status role="status"></p>                 where the outcome is announced
 *   <form data-confirm="Question ?">                       submitted only if the user confirms
 */
(function () {
  "use strict";

  function announce(text) {
    var status = document.querySelector("[data-copy-status]");
    if (status) {
      status.textContent = text;
    }
  }

  function copy(input) {
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    // Plain HTTP (a local server): the older command on the selected text.
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      var input = document.getElementById(button.dataset.copyTarget);
      if (!input) {
        return;
      }
      button.hidden = false;
      input.addEventListener("focus", function () {
        input.select();
      });
      button.addEventListener("click", function () {
        copy(input).then(
          function () {
            announce("Lien copié : collez-le dans votre application d'agenda.");
          },
          function () {
            announce("La copie n'a pas fonctionné : le lien est sélectionné, copiez-le avec Ctrl+C.");
          }
        );
      });
    });

    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) {
          event.preventDefault();
        }
      });
    });
  });
})();
