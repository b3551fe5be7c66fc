// The query page. With YASGUI (npm's @zazuko/yasgui): one tab per stored question, the project's
// prefixes in new tabs, the chosen question (?example=name) run at once. Without it: a plain form
// that runs the query with fetch() against /sparql and shows the rows in a table.
(function () {
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  var wanted = new URLSearchParams(location.search).get("example");
  var editor = document.getElementById("yasgui");

  if (editor && window.Yasgui) {
    // A short literal (a date, a number, a year: no space, at most 32 characters, plus the quotes
    // YASR shows around a typed one) is one word: marked as it is drawn (DataTables' createdRow,
    // through YASR's tableConfig), it never wraps, so its column is at least as wide (style.css).
    var tableConfig = Yasgui.Yasr.plugins.table.defaults.tableConfig;
    tableConfig.autoWidth = false; // DataTables would size the columns from rows without the mark
    tableConfig.createdRow = function (row) {
      row.querySelectorAll(".nonIri").forEach(function (literal) {
        var value = literal.firstChild ? literal.firstChild.textContent : "";
        if (value.length <= 34 && !/\s/.test(value)) literal.classList.add("short-value");
      });
    };
    // YASR's table cuts what does not fit its column with an ellipsis, and a cut date ("2015-0…")
    // reads as a wrong date: its own switch (the table plugin's isEllipsed) starts off in every tab,
    // ours and those the visitor adds, so every value is shown whole and long IRIs wrap instead.
    var tabDefaults = Yasgui.Tab.getDefaults;
    Yasgui.Tab.getDefaults = function (yasgui) {
      var tab = tabDefaults(yasgui);
      tab.yasr.settings.pluginsConfig.table = { isEllipsed: false };
      return tab;
    };
    var endpoint = new URL(editor.dataset.endpoint, location.href).href;
    var prologue = Object.keys(prefixes).map(function (p) {
      return "PREFIX " + p + ": <" + prefixes[p] + ">";
    }).join("\n");
    var yasgui = new Yasgui(editor, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: true,
      persistenceId: null, // the stored questions are the tabs, not last visit's
      autoAddOnInit: false,
      populateFromUrl: false,
      endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
      // no autocompleter that asks a server other than ours
      yasqe: { value: prologue + "\n\nSELECT * WHERE { ?s ?p ?o } LIMIT 10", autocompleters: ["variables", "prefixes"] }
    });
    var chosen = null;
    examples.forEach(function (q, i) {
      var tab = yasgui.addTab(false, { name: q.title, yasqe: { value: q.query }, requestConfig: { endpoint: endpoint } });
      if (q.name === wanted || (!wanted && i === 0)) chosen = tab;
    });
    if (chosen) {
      yasgui.selectTabId(chosen.getId());
      chosen.show();
      chosen.query();
    } else {
      yasgui.addTab(true, {});
    }
    mend(editor);
    ["tabSelect", "tabAdd", "tabChange", "queryResponse"].forEach(function (event) {
      yasgui.on(event, function () { setTimeout(function () { mend(editor); }, 0); });
    });
    return;
  }

  // What YASGUI's markup lacks for assistive technology (axe-core): names for its unnamed
  // controls, a focusable scrolling editor, and a tab list that holds only tabs.
  function mend(root) {
    var named = [
      ["input.autocomplete", "SPARQL endpoint"],
      [".CodeMirror textarea", "SPARQL query"],
      ["select.tableSizer", "Rows per page"],
      ["a[role=tab] input", "Tab name"]
    ];
    named.forEach(function (pair) {
      root.querySelectorAll(pair[0]).forEach(function (el) { el.setAttribute("aria-label", pair[1]); });
    });
    root.querySelectorAll(".CodeMirror-scroll").forEach(function (el) { el.setAttribute("tabindex", "0"); });
    var list = root.querySelector(".tabsList");
    var add = list && list.querySelector("button.addTab");
    if (add) list.after(add.parentElement);
    // YASGUI puts a new tab before the "+" button, which is no longer in the list: at its end
    if (list && !list.dataset.mended) {
      var insertBefore = list.insertBefore;
      list.insertBefore = function (node, before) {
        return insertBefore.call(this, node, before && before.parentNode === this ? before : null);
      };
      list.dataset.mended = "yes";
    }
  }

  var form = document.getElementById("sparql-form");
  var select = document.getElementById("example");
  var textarea = document.getElementById("query");
  var status = document.getElementById("status");
  var table = document.getElementById("results");

  function cell(binding) {
    var td = document.createElement("td");
    if (!binding) return td;
    if (binding.type === "uri") {
      var a = document.createElement("a");
      var ours = "https://w3id.org/cityrdf/";
      a.href = binding.value.indexOf(ours) === 0 ? "/" + binding.value.slice(ours.length) : binding.value;
      a.textContent = binding.value;
      td.appendChild(a);
    } else {
      td.textContent = binding.value;
      if (binding["xml:lang"]) { td.lang = binding["xml:lang"]; td.dir = "auto"; }
    }
    return td;
  }

  function show(data) {
    var head = table.tHead, body = table.tBodies[0];
    head.innerHTML = ""; body.innerHTML = "";
    if ("boolean" in data) { status.textContent = "ASK: " + data.boolean; return; }
    var tr = document.createElement("tr");
    data.head.vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; tr.appendChild(th); });
    head.appendChild(tr);
    data.results.bindings.forEach(function (b) {
      var row = document.createElement("tr");
      data.head.vars.forEach(function (v) { row.appendChild(cell(b[v])); });
      body.appendChild(row);
    });
    status.textContent = data.results.bindings.length + " rows";
  }

  function run() {
    status.textContent = "…";
    fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json" },
      body: textarea.value
    }).then(function (response) {
      if (!response.ok) return response.text().then(function (t) { throw new Error(response.status + ": " + t); });
      return response.json();
    }).then(show).catch(function (err) { status.textContent = err.message; });
  }

  select.addEventListener("change", function () { textarea.value = examples[select.selectedIndex].query; run(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === wanted) { select.selectedIndex = i; textarea.value = examples[i].query; }
  }
  if (examples.length) run();
})();
