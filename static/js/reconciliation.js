// The reconciliation workspace: the running difference of the ticked lines, and keys for the
// common moves (j/k between suggestions, a accepts, r rejects, m matches the ticked lines).
// Event delegation on the document: htmx swaps the page's main part after every move.
(function () {
  "use strict";

  function cents(value) {
    var text = String(value || "0").trim();
    var negative = text.charAt(0) === "-";
    var parts = text.replace("-", "").split(".");
    var whole = parseInt(parts[0] || "0", 10);
    var fraction = ((parts[1] || "") + "00000").slice(0, 5);
    var units = whole * 100000 + parseInt(fraction, 10);
    return negative ? -units : units;
  }

  function money(units) {
    var negative = units < 0;
    var absolute = Math.abs(units);
    var whole = Math.floor(absolute / 100000);
    var fraction = Math.round((absolute % 100000) / 1000);
    if (fraction === 100) { whole += 1; fraction = 0; }
    var text = whole.toLocaleString("en-GB") + "." + String(fraction).padStart(2, "0");
    return (negative ? "-" : "") + text;
  }

  function refresh() {
    var form = document.querySelector("[data-manual-match]");
    if (!form) { return; }
    var bank = 0, ledger = 0, count = 0;
    document.querySelectorAll('input[type="checkbox"][form="manual-match"]').forEach(function (box) {
      var row = box.closest("tr");
      if (row) { row.classList.toggle("is-ticked", box.checked); }
      if (!box.checked) { return; }
      count += 1;
      if (box.dataset.side === "bank") { bank += cents(box.dataset.amount); } else { ledger += cents(box.dataset.amount); }
    });
    form.querySelector("[data-ticked-count]").textContent = String(count);
    form.querySelector("[data-bank-total]").textContent = money(bank);
    form.querySelector("[data-ledger-total]").textContent = money(ledger);
    form.querySelector("[data-difference]").textContent = money(bank - ledger);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches('input[form="manual-match"]')) { refresh(); }
  });
  document.addEventListener("htmx:afterSettle", refresh);
  document.addEventListener("DOMContentLoaded", refresh);

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-suggestion]"));
    var current = event.target.closest ? event.target.closest("[data-suggestion]") : null;
    var index = rows.indexOf(current);
    if (event.key === "j" || event.key === "k") {
      if (!rows.length) { return; }
      var next = event.key === "j" ? Math.min(index + 1, rows.length - 1) : Math.max(index - 1, 0);
      rows[index < 0 ? 0 : next].focus();
      event.preventDefault();
    } else if ((event.key === "a" || event.key === "r") && current) {
      var button = current.querySelector('[data-key="' + event.key + '"]');
      if (button) { button.click(); event.preventDefault(); }
    } else if (event.key === "m") {
      var match = document.querySelector('[data-manual-match] [data-key="m"]');
      if (match) { match.click(); event.preventDefault(); }
    }
  });
})();
