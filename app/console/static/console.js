// Dossier console: progressive enhancement only. Every page works without this file;
// with it, confirmations open as dialogs, many files upload at once with their progress,
// document statuses and lifecycle jobs update live, and times are in the reader's zone.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const TERMINAL = new Set(["extracted", "skipped", "failed"]);

  function dialogs() {
    document.querySelectorAll("a[data-dialog]").forEach(function (opener) {
      const dialog = document.getElementById(opener.dataset.dialog);
      if (!dialog || typeof dialog.showModal !== "function") return;
      opener.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.showModal();
        // Into the first field; where there is none, onto Cancel, never onto the action.
        const first = dialog.querySelector("input:not([type=hidden])") || dialog.querySelector("[data-close]");
        if (first) first.focus();
      });
      dialog.querySelectorAll("[data-close]").forEach(function (closer) {
        closer.addEventListener("click", function (event) {
          event.preventDefault();
          dialog.close();
          opener.focus();
        });
      });
    });
    // Deleting: the button waits until the client's name is typed (the server checks too).
    document.querySelectorAll("input[data-must-equal]").forEach(function (input) {
      const button = input.form.querySelector("button[type=submit]");
      const check = function () { button.disabled = input.value.trim() !== input.dataset.mustEqual; };
      input.addEventListener("input", check);
      check();
    });
  }

  function uploads() {
    const form = document.getElementById("upload");
    if (!form) return;
    const input = document.getElementById("files");
    const drop = document.getElementById("drop");
    const list = document.getElementById("upload-progress");
    const limit = Number(form.dataset.maxBytes);
    let running = 0, waiting = [], sent = 0, failed = 0;

    function row(file) {
      const item = document.createElement("li");
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = file.name;
      const bar = document.createElement("progress");
      bar.max = 100; bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      const state = document.createElement("span");
      state.className = "state";
      state.textContent = form.dataset.sending;
      item.append(name, bar, state);
      list.append(item);
      return { item: item, bar: bar, state: state };
    }

    function finishOne(ok) {
      running -= 1;
      if (ok) sent += 1; else failed += 1;
      next();
      if (running === 0 && waiting.length === 0 && failed === 0 && sent > 0) {
        const done = document.createElement("li");
        done.textContent = form.dataset.done;
        list.append(done);
        setTimeout(function () { window.location.reload(); }, 300);
      }
    }

    function send(file, view) {
      running += 1;
      view.state.textContent = form.dataset.sending;
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("X-CSRF-Token", csrf);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) view.bar.value = Math.round(100 * event.loaded / event.total);
      });
      request.addEventListener("load", function () {
        let body = {};
        try { body = JSON.parse(request.responseText); } catch (ignored) { body = {}; }
        if (request.status >= 200 && request.status < 300) {
          view.bar.value = 100;
          view.state.textContent = body.status_label || "";
          view.item.dataset.status = body.status || "";
          finishOne(true);
        } else {
          failedView(file, view, (body.error && body.error.message) || form.dataset.failed);
          finishOne(false);
        }
      });
      request.addEventListener("error", function () {
        failedView(file, view, form.dataset.failed);
        finishOne(false);
      });
      const data = new FormData();
      data.append("file", file);
      request.send(data);
    }

    function failedView(file, view, message) {
      view.item.dataset.status = "failed";
      view.state.textContent = message;
      const again = document.createElement("button");
      again.type = "button";
      again.textContent = form.dataset.retry;
      again.addEventListener("click", function () {
        again.remove();
        failed -= 1;
        waiting.push([file, view]);
        next();
      });
      view.item.append(again);
    }

    function next() {
      while (running < 3 && waiting.length > 0) {
        const [file, view] = waiting.shift();
        send(file, view);
      }
    }

    function add(files) {
      Array.from(files).forEach(function (file) {
        const view = row(file);
        if (file.size > limit) {
          view.item.dataset.status = "failed";
          view.state.textContent = form.dataset.tooLarge;
          return;
        }
        waiting.push([file, view]);
      });
      next();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      add(input.files);
      input.value = "";
    });
    input.addEventListener("change", function () { add(input.files); input.value = ""; });
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (event) { event.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (event) {
      event.preventDefault();
      add(event.dataTransfer.files);
    });
  }

  function poll(url, apply, every) {
    let stopped = false;
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (body) {
          if (body && apply(body)) stopped = true;
          if (!stopped) setTimeout(tick, every);
        })
        .catch(function () { setTimeout(tick, every * 2); });
    }
    setTimeout(tick, every);
  }

  function documentStatuses() {
    const table = document.getElementById("documents");
    if (!table) return;
    const rows = function () { return table.querySelectorAll("tr[data-document]"); };
    const pending = Array.from(rows()).some(function (tr) { return !TERMINAL.has(tr.dataset.status); });
    if (!pending) return;
    // Once every document has settled, the page is drawn again with their fields and
    // their retry buttons.
    poll(table.dataset.statusUrl, function (body) {
      let open = 0;
      rows().forEach(function (tr) {
        const found = body.items[tr.dataset.document];
        if (!found) return;
        if (found.status !== tr.dataset.status) {
          tr.dataset.status = found.status;
          const label = tr.querySelector("[data-role=label]");
          label.textContent = found.label;
          label.className = "status status-" + found.status;
          tr.querySelector("[data-role=reason]").textContent = found.reason || "";
        }
        if (!TERMINAL.has(found.status)) open += 1;
      });
      if (open === 0) window.location.reload();
      return open === 0;
    }, 500);
  }

  function job() {
    const box = document.getElementById("job");
    if (!box || box.dataset.finished === "true") return;
    poll(box.dataset.statusUrl, function (body) {
      const status = box.querySelector("[data-role=status]");
      status.textContent = body.status_label;
      status.className = "status status-" + body.status;
      box.querySelector("[data-role=message]").textContent = body.message || "";
      const counts = box.querySelector("[data-role=counts]");
      counts.replaceChildren.apply(counts, body.counts.map(function (line) {
        const item = document.createElement("li");
        item.textContent = line;
        return item;
      }));
      if (body.finished) {
        const bar = box.querySelector("[data-role=progress]");
        bar.max = 1; bar.value = 1;
        box.dataset.finished = "true";
        box.querySelector("[data-role=next]").focus();
      }
      return body.finished;
    }, 500);
  }

  function timeZone() {
    document.querySelectorAll("input[data-role=time-zone]").forEach(function (input) {
      try { input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (ignored) { input.value = "UTC"; }
    });
  }

  // Instants come written in UTC (the server knows no reader's time zone); here they are
  // written again in the browser's zone and the page's language, the UTC kept as title.
  function localTimes() {
    if (typeof Intl === "undefined" || !Intl.DateTimeFormat) return;
    let format;
    try {
      format = new Intl.DateTimeFormat(document.documentElement.dataset.locale || undefined, {
        year: "numeric", month: "short", day: "numeric",
        hour: "2-digit", minute: "2-digit", timeZoneName: "short"
      });
    } catch (ignored) { return; }
    document.querySelectorAll("time[datetime]").forEach(function (element) {
      const instant = new Date(element.getAttribute("datetime"));
      if (isNaN(instant.getTime())) return;
      if (!element.title) element.title = element.textContent;
      element.textContent = format.format(instant);
      element.dataset.zone = "local";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localTimes();
    dialogs();
    uploads();
    documentStatuses();
    job();
    timeZone();
  });
})();
