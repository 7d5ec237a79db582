/*
 * The actor picker as a combobox (WAI-ARIA APG: list autocomplete, manual selection).
 * Progressive enhancement of templates/forms/widgets/actor_picker.html: without this file
 * the «Søk» button sends the whole form back with the hits as checkboxes.
 *
 * htmx fetches the hits (organisations:actor_search) into the listbox and the count into
 * the polite live region; this file adds the keyboard, and choosing a hit adds it to the
 * chosen actors as a ticked checkbox, which is what the form sends.
 */
(function () {
  "use strict";

  function setUp(picker) {
    var input = picker.querySelector("[data-picker-input]");
    var button = picker.querySelector("[data-picker-button]");
    var chosen = picker.querySelector("[data-picker-chosen]");
    var empty = picker.querySelector("[data-picker-empty]");
    var listbox = picker.querySelector("[role=listbox]");
    var status = picker.querySelector("[role=status]");
    var idPrefix = picker.dataset.id;
    var active = -1;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    // The button now searches here; as a plain button it is no longer the form's default,
    // so Enter in the other fields saves the form as it did before.
    button.type = "button";
    button.removeAttribute("name");

    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll("[role=option]"));
    }

    function setActive(index) {
      var all = options();
      active = index;
      all.forEach(function (option, i) {
        var on = i === index;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.classList.toggle("is-active", on);
      });
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!options().length) return close();
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(-1);
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function isOpen() {
      return input.getAttribute("aria-expanded") === "true";
    }

    function search() {
      htmx.trigger(input, "pickersearch");
    }

    function say(template, name) {
      status.textContent = (template || "").replace("%(name)s", name);
    }

    function choose(option) {
      var value = option.dataset.value;
      var label = option.dataset.label;
      var name = option.querySelector(".actor-picker__name");
      name = name ? name.textContent : label;
      var box = chosen.querySelector('input[type=checkbox][value="' + value + '"]');
      if (box && box.checked) {
        say(picker.dataset.alreadyText, name);
      } else {
        if (!box) {
          var row = document.createElement("div");
          row.className = "ds-field choice";
          box = document.createElement("input");
          box.type = "checkbox";
          box.className = "ds-input";
          box.name = picker.dataset.name;
          box.value = value;
          box.id = idPrefix + "_" + value;
          var text = document.createElement("label");
          text.className = "ds-label";
          text.dataset.weight = "regular";
          text.htmlFor = box.id;
          text.textContent = label;
          row.appendChild(box);
          row.appendChild(text);
          chosen.insertBefore(row, empty);
        }
        box.checked = true;
        // The unsaved-changes guard listens for changes on the form.
        box.dispatchEvent(new Event("change", { bubbles: true }));
        say(picker.dataset.addedText, name);
      }
      empty.hidden = true;
      input.value = "";
      close();
      input.focus();
    }

    input.addEventListener("keydown", function (event) {
      var count = options().length;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!count) return search();
          open();
          if (!event.altKey) setActive(active + 1 < count ? active + 1 : 0);
          break;
        case "ArrowUp":
          event.preventDefault();
          if (!count) return;
          open();
          setActive(active > 0 ? active - 1 : count - 1);
          break;
        case "Enter":
          // Never sends the form from the search box: Enter chooses or searches.
          event.preventDefault();
          if (isOpen() && active >= 0) choose(options()[active]);
          else search();
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
          }
          break;
        case "Tab":
          close();
          break;
      }
    });
    input.addEventListener("input", function () {
      setActive(-1);
      if (!input.value.trim()) close();
    });
    input.addEventListener("blur", close);
    input.addEventListener("htmx:configRequest", function (event) {
      // Only the words and the picker's id travel, never the rest of the form.
      event.detail.parameters.q = input.value;
      event.detail.parameters.picker = idPrefix;
    });
    picker.addEventListener("htmx:beforeSwap", function (event) {
      // An ended session answers with the login page: that is no list of hits.
      var url = event.detail.xhr.responseURL || "";
      if (url.indexOf(input.getAttribute("hx-get")) === -1) event.detail.shouldSwap = false;
    });
    listbox.addEventListener("htmx:afterSwap", function () {
      setActive(-1);
      if (document.activeElement === input && input.value.trim()) open();
      else close();
    });
    // Keep the focus in the box while a hit is clicked.
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) choose(option);
    });
    button.addEventListener("click", function () {
      input.focus();
      search();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof htmx === "undefined") return;
    document.querySelectorAll("[data-actor-picker]").forEach(setUp);
  });
})();
