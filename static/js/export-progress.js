// Export job page: live progress. Without JavaScript the page refreshes itself
// (a meta refresh inside <noscript>); this only makes it smoother.
(function () {
  "use strict";
  var panel = document.querySelector("[data-export-job]");
  if (!panel || panel.dataset.active !== "true" || !window.fetch) { return; }
  var bar = panel.querySelector("[data-field=bar]");
  var written = panel.querySelector("[data-field=written]");
  var url = panel.dataset.exportJob;
  var state = panel.dataset.state;

  function show(job) {
    if (job.state !== state) {  // started, done or failed: the page has the words for it
      window.location.reload();
      return false;
    }
    if (bar) { bar.value = job.percent; bar.textContent = job.percent + "%"; }
    if (written) { written.textContent = job.rows_written.toLocaleString("en-US"); }
    return true;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (job && show(job)) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  poll();
}());
