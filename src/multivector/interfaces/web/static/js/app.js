/* Small conveniences of every page; everything works without them. A form marked
   data-autosubmit is sent when one of its checkboxes or selects changes (the layer toggles of a
   document). */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosubmit]"), function (form) {
    form.addEventListener("change", function (event) {
      var t = event.target;
      if (t && (t.type === "checkbox" || t.tagName === "SELECT")) form.submit();
    });
  });
})();
