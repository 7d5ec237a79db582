/*
 * Progressive enhancement only: every page works without this file.
 * - the idle time-out warning with «stay signed in» (R-GEN-03);
 * - the unsaved-changes guard on every form (R-GEN-05);
 * - focus on the error summary after a failed save, or on the status message after a
 *   successful one (R-GEN-04);
 * - Escape closes the user menu (R-GEN-07).
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
      // A form sent back with errors, or as typed after a search inside it (data-unsaved),
      // holds what the user typed and has not been saved.
      if (
        form.hasAttribute("data-unsaved") ||
        form.querySelector('[aria-invalid="true"], .field--invalid, .form-errors, [role="alert"]')
      ) {
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

  function scrollTargetOf(field) {
    // Show what the field asks, not only the box: the legend of a choice group, else the label.
    if (field.type === "radio" || field.type === "checkbox") {
      var fieldset = field.closest("fieldset");
      var legend = fieldset && fieldset.querySelector("legend");
      if (legend) return legend;
    }
    return (field.id && document.querySelector('label[for="' + CSS.escape(field.id) + '"]')) || field;
  }

  function errorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return false;
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field =
        document.getElementById(decodeURIComponent(link.hash.slice(1))) ||
        document.getElementById(link.dataset.errorFallback || "");
      if (!field) return;
      event.preventDefault();
      for (var details = field.closest("details"); details; details = details.parentElement.closest("details")) {
        details.open = true;
      }
      if (!field.matches("input, select, textarea, button, a[href], [tabindex]")) {
        field.setAttribute("tabindex", "-1");
      }
      scrollTargetOf(field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
    // A screen reader reads what gets focus, whatever it was doing; the summary is where a
    // keyboard user should start again.
    summary.focus();
    return true;
  }

  function announceMessages() {
    // The message after a save is moved into focus rather than written into a live region
    // after load: a live region filled while the screen reader is still reading the newly
    // loaded page is dropped or queued behind the whole page by some readers (and only works
    // if the empty region was seen first), while every reader reads what receives focus. The
    // region stays role=status for messages that arrive later, without a page load.
    var region = document.getElementById("messages");
    if (!region || !region.textContent.trim()) return;
    region.setAttribute("tabindex", "-1");
    region.focus();
  }

  function userMenu() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var menu = document.querySelector("details.user-menu[open]");
      if (!menu) return;
      var active = document.activeElement;
      menu.open = false;
      if (!active || active === document.body || menu.contains(active)) {
        menu.querySelector("summary").focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    idleTimeout();
    unsavedGuard();
    userMenu();
    if (!errorSummary()) announceMessages();
  });
})();
