// The trainers' editors. Every page works without this file; it only adds:
// - a live preview of the lesson (the server renders with the published pages' sanitizer),
// - images pasted or dropped into the lesson text, uploaded and inserted at the cursor,
// - a warning before leaving a form with unsaved changes (forms with data-warn-unsaved),
// - adding and removing option rows in the question editor without a round trip.
(function () {
  "use strict";

  // --- unsaved changes -------------------------------------------------------
  var dirty = [];

  function watch(form) {
    if (form.dataset.unsaved) { dirty.push(form); }
    form.addEventListener("input", function () { markDirty(form); });
    form.addEventListener("change", function () { markDirty(form); });
    form.addEventListener("submit", function () { dirty = []; });
  }

  function markDirty(form) {
    if (dirty.indexOf(form) < 0) { dirty.push(form); }
  }

  window.addEventListener("beforeunload", function (event) {
    if (!dirty.length) { return undefined; }
    var message = dirty[0].dataset.warnUnsaved;
    event.preventDefault();
    event.returnValue = message;  // browsers show their own words; some still need this
    return message;
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-warn-unsaved]"), watch);

  // --- lesson editor: preview and images ---------------------------------------
  var form = document.getElementById("lesson-form");
  if (form && window.fetch && window.FormData) {
    var source = form.querySelector("textarea[name=source]");
    var preview = document.getElementById("preview-pane");
    var minutes = document.getElementById("reading-time");
    var status = document.getElementById("upload-status");
    var fileInput = form.querySelector("input[type=file][name=image]");
    var timer = null;

    var token = function () { return form.querySelector("[name=csrf_token]").value; };

    var refresh = function () {
      var data = new FormData();
      data.append("csrf_token", token());
      data.append("source", source.value);
      fetch(form.dataset.preview, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body) { return; }
          preview.innerHTML = body.html;  // already sanitized by the server
          minutes.textContent = minutes.textContent.replace(/\d+/, body.minutes);
        });
    };

    var schedule = function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 500);
    };

    // Insert at the place the cursor was when the image arrived, on its own line.
    var insertAt = function (position, markdown) {
      var text = source.value;
      var before = text.slice(0, position);
      var after = text.slice(position);
      var lead = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
      var tail = after && !/^\n/.test(after) ? "\n\n" : "\n";
      var inserted = lead + markdown + tail;
      source.value = before + inserted + after;
      var caret = position + inserted.length;
      source.setSelectionRange(caret, caret);
      markDirty(form);
      schedule();
    };

    var upload = function (file, position) {
      var data = new FormData();
      data.append("csrf_token", token());
      data.append("file", file, file.name || "image");
      status.textContent = status.dataset.busy || "…";
      fetch(form.dataset.upload, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (body.markdown) {
            insertAt(position, body.markdown);
            status.textContent = "";
          } else {
            status.textContent = body.error || "";
          }
        })
        .catch(function () { status.textContent = status.dataset.failed; });
    };

    var images = function (files) {
      return Array.prototype.filter.call(files || [], function (file) {
        return /^image\//.test(file.type);
      });
    };

    source.addEventListener("input", schedule);

    source.addEventListener("paste", function (event) {
      var files = images(event.clipboardData && event.clipboardData.files);
      if (!files.length) { return; }
      event.preventDefault();  // keep the text; the image comes back as Markdown
      var position = source.selectionStart;
      source.value = source.value.slice(0, position) + source.value.slice(source.selectionEnd);
      files.forEach(function (file) { upload(file, position); });
    });

    source.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
      }
    });

    source.addEventListener("drop", function (event) {
      var files = images(event.dataTransfer && event.dataTransfer.files);
      if (!files.length) { return; }
      event.preventDefault();
      source.focus();
      files.forEach(function (file) { upload(file, source.selectionStart); });
    });

    // With JavaScript the chosen file goes in at the cursor at once, without reloading.
    if (fileInput) {
      var lastCaret = source.value.length;
      source.addEventListener("blur", function () { lastCaret = source.selectionStart; });
      fileInput.addEventListener("change", function () {
        images(fileInput.files).forEach(function (file) { upload(file, lastCaret); });
        fileInput.value = "";
      });
    }
  }

  // --- question editor: option rows ----------------------------------------------
  function renumber(tbody) {
    Array.prototype.forEach.call(tbody.rows, function (row, i) {
      var head = row.querySelector("th[scope=row]");
      var old = head.textContent.trim();
      var now = String(i + 1);
      head.textContent = now;
      Array.prototype.forEach.call(row.querySelectorAll("label.visually-hidden"), function (label) {
        label.textContent = label.textContent.replace(new RegExp("\\b" + old + "\\b"), now);
      });
    });
  }

  function addRow(button) {
    var table = document.getElementById(button.dataset.rowsTable);
    var tbody = table.tBodies[0];
    var last = tbody.rows[tbody.rows.length - 1];
    if (!last) { return false; }
    var prefix = button.value + "-";
    var highest = -1;
    Array.prototype.forEach.call(tbody.querySelectorAll("[name^='" + prefix + "']"), function (el) {
      var index = parseInt(el.name.slice(prefix.length), 10);
      if (index > highest) { highest = index; }
    });
    var oldPart = prefix + highest + "-";
    var newPart = prefix + (highest + 1) + "-";
    var row = last.cloneNode(true);
    Array.prototype.forEach.call(row.querySelectorAll("[name],[id],[for],[aria-describedby]"), function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
        var value = el.getAttribute(attribute);
        if (value) { el.setAttribute(attribute, value.split(oldPart).join(newPart)); }
      });
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = false;
        if (el.value === String(highest)) { el.value = String(highest + 1); }
      } else if ("value" in el && el.tagName !== "BUTTON") {
        el.value = "";
      }
      if (el.tagName === "BUTTON" && el.name === "remove_row") {
        el.value = el.value.split(prefix + highest).join(prefix + (highest + 1));
      }
    });
    Array.prototype.forEach.call(row.querySelectorAll(".error"), function (el) { el.remove(); });
    tbody.appendChild(row);
    renumber(tbody);
    var first = row.querySelector("input:not([type=radio]):not([type=checkbox]), textarea");
    if (first) { first.focus(); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name=add_row],button[name=remove_row]");
    if (!button) { return; }
    var owner = button.form;
    if (button.name === "add_row") {
      if (addRow(button)) { event.preventDefault(); markDirty(owner); }
      return;
    }
    var row = button.closest("tr");
    var tbody = row.parentNode;
    if (tbody.rows.length <= 1) { return; }  // the server keeps one blank row
    event.preventDefault();
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    renumber(tbody);
    markDirty(owner);
    var focus = next && next.querySelector("button[name=remove_row]");
    if (focus) { focus.focus(); }
  });
})();
