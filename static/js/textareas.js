/*
 * The convention form's textareas grow with their text. Browsers that know the CSS
 * `field-sizing: content` (static/css/app.css) do it themselves; for the others, each textarea
 * takes the height of its text as it is typed, or when the page opens.
 */
(function () {
  "use strict";

  if (window.CSS && CSS.supports("field-sizing", "content")) {
    return;
  }

  var SELECTOR = ".convention-form textarea";

  function fit(textarea) {
    // Through the CSS object model, which the Content-Security-Policy allows (not a style="").
    var borders = textarea.offsetHeight - textarea.clientHeight;
    textarea.style.height = "auto";
    textarea.style.height = textarea.scrollHeight + borders + "px";
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches(SELECTOR)) {
      fit(event.target);
    }
  });
  document.querySelectorAll(SELECTOR).forEach(fit);
})();
