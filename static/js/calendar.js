// The calendar's side panel and its filters' history. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  let opener = null; // the link that opened the side panel, focused again when it closes

  function panel() {
    return document.getElementById("calendar-panel");
  }

  function closePanel() {
    const box = panel();
    if (!box || !box.firstElementChild) return;
    box.replaceChildren();
    if (opener && document.body.contains(opener)) opener.focus();
    opener = null;
  }

  // Remember which link opened the panel (a client in the grid, the rows or a day's list).
  document.addEventListener("htmx:beforeRequest", function (event) {
    const source = event.detail.elt;
    const box = panel();
    if (box && source && source.getAttribute("hx-target") === "#calendar-panel" && !box.contains(source)) {
      opener = source;
    }
  });

  // A freshly opened panel takes the focus; after a tick the focus stays on the tick button
  // (atlas.js puts it back by id).
  document.addEventListener("htmx:afterSettle", function (event) {
    const box = panel();
    if (!box || event.detail.target !== box) return;
    if (!box.contains(document.activeElement)) box.focus();
  });

  // Close: the panel's Close link (a real link to the calendar without JavaScript) or Escape.
  document.addEventListener("click", function (event) {
    const close = event.target.closest && event.target.closest("[data-panel-close]");
    if (close && panel() && panel().contains(close)) {
      event.preventDefault();
      closePanel();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && panel() && panel().firstElementChild) closePanel();
  });

  // Back and forward restore htmx's copy of the page, whose fields may show another state of
  // the filters (a choice made in a select lives in its properties, not in the copied HTML):
  // set every field from the URL restored, as the server would have rendered it.
  const STATE = ["month", "layout", "day"];
  document.addEventListener("htmx:historyRestore", function () {
    const form = document.getElementById("calendar-filters");
    if (!form) return;
    const params = new URLSearchParams(window.location.search);
    Array.from(form.elements).forEach(function (field) {
      if (!field.name || field.type === "hidden" || field.type === "submit") return;
      const value = params.get(field.name) || "";
      field.value = value;
      if (field.value !== value) field.value = ""; // a value the select does not offer
    });
    const state = document.getElementById("calendar-state");
    if (!state) return;
    state.replaceChildren();
    STATE.forEach(function (name) {
      const value = params.get(name);
      if (!value) return;
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      state.appendChild(input);
    });
  });
})();
