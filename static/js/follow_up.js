/*
 * Saves an action's follow-up (status, due date, note) from the convention page without
 * reloading it.
 *
 * The form works without this script: an ordinary POST, then back to the action on the page.
 * With it, the form is posted with fetch and the server answers with the action's fragment of
 * the page (templates/conventions/includes/commitment.html, the template the page itself uses),
 * which replaces the action: saved, with a confirmation, or refused (422), with the form open
 * and the errors next to the fields. Anything else (signed out, no network, a server error)
 * falls back to the ordinary POST, so the person sees what happened.
 *
 * Markup contract:
 *   <li data-follow-up-item> … <form data-follow-up-form action="…/suivi/"> … </form> </li>
 *   In the answer, [data-follow-up-saved] is the confirmation, focused after a save.
 */
(function () {
  "use strict";

  var HEADER = "X-Follow-Up-Fragment";

  function parseItem(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var fresh = holder.content.firstElementChild;
    return fresh && fresh.matches("[data-follow-up-item]") ? fresh : null;
  }

  function submitNormally(form) {
    form.removeAttribute("aria-busy");
    // The prototype's submit() sends the form without firing "submit" again.
    HTMLFormElement.prototype.submit.call(form);
  }

  function save(form, item) {
    var headers = {};
    headers[HEADER] = "1";
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: headers,
      credentials: "same-origin",
    })
      .then(function (response) {
        var saved = response.status === 200;
        if (response.redirected || (!saved && response.status !== 422)) {
          throw new Error("Réponse inattendue : " + response.status);
        }
        return response.text().then(function (html) {
          var fresh = parseItem(html);
          if (!fresh) {
            throw new Error("Réponse inattendue");
          }
          item.replaceWith(fresh);
          var focus = saved
            ? fresh.querySelector("[data-follow-up-saved]")
            : fresh.querySelector('[aria-invalid="true"]');
          if (focus) {
            focus.focus();
          }
        });
      })
      .catch(function () {
        submitNormally(form);
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-follow-up-form]");
    var item = form && form.closest("[data-follow-up-item]");
    if (!item || !window.fetch) {
      return;
    }
    event.preventDefault();
    if (form.getAttribute("aria-busy") !== "true") {
      save(form, item);
    }
  });
})();
