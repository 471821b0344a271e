// Autosave: each question is saved shortly after the learner changes it.
// Without JavaScript the page's own buttons save; this only adds.
//
// It says "Saved" only once the server has confirmed the newest answer. While the
// server or the network cannot answer (503, 429, offline) it says "Not saved yet",
// keeps the answer and tries again with growing pauses (1 s, 2 s, 4 s ... 30 s, or
// what Retry-After asks), at once when the browser comes back online. An answer the
// server refuses (attempt closed, changed in another window) is not retried: its
// message is shown. Leaving the page with an unsaved answer asks first.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var FIRST_PAUSE = 1000, LONGEST_PAUSE = 30000;
  var state = {};  // per slot: timer, inFlight, dirty, failures

  function stateOf(slot) {
    if (!state[slot]) { state[slot] = { timer: null, inFlight: false, dirty: false, failures: 0 }; }
    return state[slot];
  }

  function fieldsOf(section) {
    var slot = section.getAttribute("data-slot");
    var data = new FormData();
    data.append("slots", slot);
    var all = new FormData(form);
    all.forEach(function (value, name) {
      if (name === "csrf_token" || name === "seq-" + slot || name === "q" + slot || name.indexOf("q" + slot + "-") === 0) {
        data.append(name, value);
      }
    });
    return data;
  }

  function show(section, text, isError) {
    var status = section.querySelector(".save-status");
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function retryLater(section, retryAfter) {
    var slot = section.getAttribute("data-slot");
    var s = stateOf(slot);
    s.failures += 1;
    var pause = Math.min(LONGEST_PAUSE, FIRST_PAUSE * Math.pow(2, s.failures - 1));
    var asked = parseInt(retryAfter, 10);
    if (asked > 0) { pause = Math.min(LONGEST_PAUSE, Math.max(pause, asked * 1000)); }
    s.dirty = true;
    show(section, form.dataset.retrying, true);
    clearTimeout(s.timer);
    s.timer = setTimeout(function () { save(section); }, pause);
  }

  function save(section) {
    if (form.hasAttribute("data-locked")) { return; }
    var slot = section.getAttribute("data-slot");
    var s = stateOf(slot);
    clearTimeout(s.timer);
    if (s.inFlight) { s.dirty = true; return; }  // sent again once this one is answered
    s.inFlight = true;
    s.dirty = false;
    show(section, form.dataset.saving, false);
    fetch(form.dataset.autosave, {
      method: "POST", body: fieldsOf(section), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      var retryAfter = response.headers.get("Retry-After");
      return response.json().then(function (body) {
        return { status: response.status, ok: response.ok, body: body, retryAfter: retryAfter };
      }, function () {
        return { status: response.status, ok: false, body: {}, retryAfter: retryAfter };
      });
    }).then(function (result) {
      s.inFlight = false;
      if (result.ok && result.body.saved) {
        s.failures = 0;
        section.querySelector("[name='seq-" + slot + "']").value = result.body.saved[slot];
        var refused = section.querySelector(".question-error");  // the server's, now fixed
        if (refused) { refused.remove(); }
        if (s.dirty) { save(section); } else { show(section, form.dataset.saved, false); }
      } else if (result.status >= 500 || result.status === 429) {
        retryLater(section, result.retryAfter);
      } else {
        s.dirty = false;  // refused for good: retrying would not help
        show(section, result.body.message || form.dataset.failed, true);
      }
    }, function () {  // no answer at all: offline, or the server is restarting
      s.inFlight = false;
      retryLater(section, null);
    });
  }

  function schedule(event) {
    // a page locked at its deadline posts nothing more: its disabled inputs would
    // otherwise be sent as blank answers
    if (form.hasAttribute("data-locked")) { return; }
    var section = event.target.closest("section.question");
    if (!section) { return; }
    var s = stateOf(section.getAttribute("data-slot"));
    s.dirty = true;
    s.failures = 0;
    show(section, form.dataset.unsaved, false);
    clearTimeout(s.timer);
    s.timer = setTimeout(function () { save(section); }, event.type === "input" ? 800 : 150);
  }

  function unsavedSections() {
    return Array.prototype.filter.call(form.querySelectorAll("section.question"), function (section) {
      var s = state[section.getAttribute("data-slot")];
      return s && (s.dirty || s.inFlight);
    });
  }

  form.addEventListener("change", schedule);
  form.addEventListener("input", schedule);
  // The page's own buttons send every answer: nothing is left to warn about.
  form.addEventListener("submit", function () { state = {}; });
  window.addEventListener("online", function () { unsavedSections().forEach(save); });
  window.addEventListener("beforeunload", function (event) {
    if (unsavedSections().length) { event.preventDefault(); event.returnValue = ""; }
  });
})();
