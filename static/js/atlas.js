// AtlasOS behaviour that needs a script. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";

  // "/" focuses the search box on list pages.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    const search = document.querySelector("[data-search]");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });

  // Destructive actions ask first: <form data-confirm="Archive this client?">.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // Filter forms submit when a select changes (the Filter button stays for keyboard users).
  document.addEventListener("change", function (event) {
    const field = event.target;
    if (field.matches && field.matches("[data-autosubmit] select")) {
      const form = field.form;
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });

  // Close the user menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
})();

// Task templates and the client list's bulk assignment.
(function () {
  "use strict";

  // htmx copies the style attribute of elements kept across a swap; the browser may have put
  // an empty one on form fields, and setting it breaks the CSP (style-src-attr). Nothing here
  // uses inline styles, so the style attribute is not settled.
  if (window.htmx) {
    htmx.config.attributesToSettle = htmx.config.attributesToSettle.filter(function (name) {
      return name !== "style";
    });
  }

  // A data-confirm form that also posts through htmx: when the question above was declined
  // (the submit is cancelled), stop the event before it reaches htmx's own listener.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented && form.hasAttribute && form.hasAttribute("data-confirm")) {
      event.stopPropagation();
    }
  }, true);

  // Select-all checkbox: <input type="checkbox" data-select-all="clients"> ticks every
  // name="clients" box of its form (the client list's bulk assignment).
  document.addEventListener("change", function (event) {
    const box = event.target;
    if (!box.matches) return;
    const form = box.form;
    if (!form) return;
    if (box.matches("[data-select-all]")) {
      const name = box.getAttribute("data-select-all");
      form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (item) {
        item.checked = box.checked;
      });
      return;
    }
    const all = form.querySelector('[data-select-all="' + box.name + '"]');
    if (!all) return;
    const boxes = Array.from(form.querySelectorAll('input[type="checkbox"][name="' + box.name + '"]'));
    const ticked = boxes.filter(function (item) { return item.checked; }).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  });

  // After an htmx swap (moving a checklist item up or down), put the focus back on the control
  // that had it, found by its id in the new content; an item moved to the top or bottom has
  // that button disabled, so its other move button takes the focus.
  let focusedId = null;
  document.addEventListener("htmx:beforeRequest", function () {
    const active = document.activeElement;
    focusedId = active && active.id ? active.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!focusedId || document.activeElement !== document.body) return;
    let again = document.getElementById(focusedId);
    if (again && again.disabled) {
      const other = focusedId.replace(/^(up|down)-/, function (_m, way) {
        return (way === "up" ? "down" : "up") + "-";
      });
      again = document.getElementById(other);
    }
    focusedId = null;
    if (again && !again.disabled) again.focus();
  });
})();

// Copy buttons: <button data-copy="text" hidden> appears where the browser can copy and puts
// its text on the clipboard, saying so in the [data-copy-status] beside it. Without a script
// the button stays hidden and the text beside it is there to select.
(function () {
  "use strict";

  function reveal(root) {
    if (!navigator.clipboard || !root.querySelectorAll) return;
    root.querySelectorAll("button[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function say(button, text) {
    const status = button.parentElement && button.parentElement.querySelector("[data-copy-status]");
    if (!status) return;
    status.textContent = text;
    window.setTimeout(function () {
      if (status.textContent === text) status.textContent = "";
    }, 4000);
  }

  reveal(document);
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) return;
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(
      function () { say(button, "Copied"); },
      function () { say(button, "Could not copy: select the address and copy it"); }
    );
  });
})();
