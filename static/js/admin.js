// The Django admin's person pickers (select2, an autocomplete select) get the name of their
// field label, which select2 does not carry over from the <select> it replaces (WCAG 4.1.2).
// select2 is set up by jQuery at an unpredictable moment after the page has loaded, so its
// containers are named as they appear.
(function () {
  "use strict";

  function namePicker(container) {
    var select = container.previousElementSibling;
    if (!select || !select.id || !select.classList.contains("admin-autocomplete")) {
      return;
    }
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (!label) {
      return;
    }
    if (!label.id) {
      label.id = select.id + "-label";
    }
    var combobox = container.querySelector('[role="combobox"]');
    var shown = container.querySelector(".select2-selection__rendered");
    if (combobox) {
      // The label, then the chosen person: "Person: Kari Nordmann".
      combobox.setAttribute("aria-labelledby", label.id + (shown && shown.id ? " " + shown.id : ""));
    }
    if (shown) {
      shown.setAttribute("aria-labelledby", label.id);
    }
    // A picker of several people (a municipality's administrators) has its search field
    // inline, in the box of the chosen ones; select2 moves that same field as people are
    // chosen, so it keeps its name.
    var search = container.querySelector(".select2-search__field");
    if (search) {
      search.setAttribute("aria-labelledby", label.id);
    }
  }

  function nameAll(root) {
    if (root.classList && root.classList.contains("select2")) {
      namePicker(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll("span.select2").forEach(namePicker);
    }
  }

  nameAll(document);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      mutation.addedNodes.forEach(nameAll);
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
