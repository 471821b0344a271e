// Live preview for the lesson editor: the server renders with the same sanitizer as
// published pages. Without JavaScript the Preview button does the same.
(function () {
  "use strict";
  var form = document.getElementById("lesson-form");
  if (!form || !window.fetch) { return; }
  var source = form.querySelector("textarea[name=source]");
  var preview = document.getElementById("preview-pane");
  var minutes = document.getElementById("reading-time");
  var timer = null;

  function refresh() {
    var data = new FormData();
    data.append("csrf_token", form.querySelector("[name=csrf_token]").value);
    data.append("source", source.value);
    fetch(form.dataset.preview, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        preview.innerHTML = body.html;  // already sanitized by the server
        minutes.textContent = minutes.textContent.replace(/\d+/, body.minutes);
      });
  }

  source.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  });
})();
