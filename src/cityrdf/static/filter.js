// Client-side filter for index tables: no external assets, so the site also works offline.
(function () {
  // Persian and Arabic spellings of ی/ک and the zero-width non-joiner should not stop a match.
  function normal(text) {
    return text.toLowerCase().replace(/\u064A/g, "\u06CC").replace(/\u0643/g, "\u06A9").replace(/\u200C/g, "");
  }
  document.querySelectorAll("input[data-filter-for]").forEach(function (input) {
    var table = document.getElementById(input.dataset.filterFor);
    if (!table) return;
    input.addEventListener("input", function () {
      var needle = normal(input.value.trim());
      table.querySelectorAll("tbody tr").forEach(function (row) {
        row.classList.toggle("hidden", needle !== "" && normal(row.textContent).indexOf(needle) < 0);
      });
    });
  });
})();
