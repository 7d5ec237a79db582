/*
 * Progressive enhancement only: every page works without this file.
 * - the idle time-out warning with «stay signed in» (R-GEN-03);
 * - the unsaved-changes guard on every form (R-GEN-05).
 */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function idleTimeout() {
    var body = document.body;
    var timeout = parseInt(body.dataset.idleTimeout || "0", 10);
    if (!timeout) return;
    var warning = parseInt(body.dataset.idleWarning || "120", 10);
    var dialog = document.getElementById("idle-dialog");
    var secondsEl = document.getElementById("idle-dialog-seconds");
    var stay = document.getElementById("idle-stay");
    var warnTimer = null;
    var tick = null;

    function expire() {
      // The server has ended the session; reloading sends the user to log in and back.
      window.location.reload();
    }

    function countdown(remaining) {
      var deadline = Date.now() + remaining * 1000;
      secondsEl.textContent = String(remaining);
      if (!dialog.open) dialog.showModal();
      clearInterval(tick);
      tick = setInterval(function () {
        var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
        secondsEl.textContent = String(left);
        if (left <= 0) {
          // Ask the server: it ends the session only when the deadline has really passed,
          // and a reload that arrived early would count as activity.
          clearInterval(tick);
          check();
        }
      }, 1000);
    }

    function schedule(remaining) {
      clearTimeout(warnTimer);
      warnTimer = setTimeout(check, Math.max(0, remaining - warning) * 1000);
    }

    function check() {
      // Activity in another tab counts too: ask the server how much time is left.
      fetch(body.dataset.sessionStatusUrl, { credentials: "same-origin", redirect: "manual" })
        .then(function (response) {
          if (!response.ok) throw new Error("expired");
          return response.json();
        })
        .then(function (data) {
          if (data.remaining <= 0) return expire();
          if (data.remaining > warning) return schedule(data.remaining);
          countdown(data.remaining);
        })
        .catch(expire);
    }

    stay.addEventListener("click", function () {
      fetch(body.dataset.keepaliveUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": csrfToken() },
      }).then(function (response) {
        if (response.status !== 204) return expire();
        clearInterval(tick);
        dialog.close();
        schedule(timeout);
      }, expire);
    });
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
    });
    document.body.addEventListener("htmx:afterRequest", function () {
      schedule(timeout);
    });
    schedule(timeout);
  }

  function unsavedGuard() {
    var dirty = new Set();
    var dialog = document.querySelector("[data-leave-dialog]");
    var pendingHref = null;

    document.querySelectorAll("form:not([data-no-guard])").forEach(function (form) {
      // A form sent back with errors holds what the user typed and has not been saved.
      if (form.querySelector('[aria-invalid="true"], .field--invalid, [role="alert"]')) {
        dirty.add(form);
      }
      form.addEventListener("input", function () {
        dirty.add(form);
      });
      form.addEventListener("change", function () {
        dirty.add(form);
      });
      form.addEventListener("submit", function () {
        dirty.delete(form);
      });
    });

    window.addEventListener("beforeunload", function (event) {
      if (dirty.size && !pendingHref) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    if (!dialog) return;
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[href]");
      if (!link || !dirty.size || link.target || link.hasAttribute("download")) return;
      if (link.getAttribute("href").charAt(0) === "#") return;
      event.preventDefault();
      pendingHref = link.href;
      dialog.showModal();
    });
    dialog.querySelector("[data-leave-stay]").addEventListener("click", function () {
      pendingHref = null;
      dialog.close();
    });
    dialog.querySelector("[data-leave-go]").addEventListener("click", function () {
      var href = pendingHref;
      dirty.clear();
      dialog.close();
      window.location.href = href;
    });
    dialog.addEventListener("close", function () {
      if (dirty.size) pendingHref = null;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    idleTimeout();
    unsavedGuard();
  });
})();
