/* The annotation forms: the server's token, once typed into a field marked data-token, is kept
   in this tab's sessionStorage and filled into the token fields of the next pages, so that
   labelling passage after passage asks for it once. Without JavaScript it is typed each time;
   nothing else depends on this script. */
(function () {
  "use strict";
  var KEY = "multivector.token";
  var kept = null;
  try {
    kept = window.sessionStorage.getItem(KEY);
  } catch (e) {
    kept = null; // storage refused (private mode, a policy): the field is typed each time
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-token]"), function (input) {
    if (kept && !input.value) input.value = kept;
    if (!input.form) return;
    input.form.addEventListener("submit", function () {
      try {
        if (input.value) window.sessionStorage.setItem(KEY, input.value);
      } catch (e) {
        /* not kept: asked for again on the next page */
      }
    });
  });
})();
