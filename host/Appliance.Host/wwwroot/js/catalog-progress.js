// While an install from the catalog runs (the form's POST waits for it), shows the download's progress from
// /api/v1/plugins/catalog/progress in the package's row. No inline script: the portal's CSP allows only 'self'.
(function () {
    "use strict";
    var table = document.getElementById("catalog");
    if (!table) return;
    var timer = null;

    function show(items) {
        items.forEach(function (p) {
            var row = table.querySelector('tr[data-catalog="' + CSS.escape(p.id) + '"][data-version="' + CSS.escape(p.version) + '"]');
            if (!row) return;
            var cell = row.querySelector('[data-field="progress"]');
            cell.textContent = "";
            var bar = document.createElement("progress");
            bar.max = p.total || 1;
            bar.value = p.received;
            var text = document.createElement("small");
            text.textContent = " " + p.stage + " " + Math.floor(100 * p.received / (p.total || 1)) + " %" + (p.message ? " " + p.message : "");
            cell.appendChild(bar);
            cell.appendChild(text);
        });
    }

    function poll() {
        fetch("/api/v1/plugins/catalog/progress", { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (r) { return r.ok ? r.json() : []; })
            .then(show)
            .catch(function () { });
    }

    table.querySelectorAll("form.catalog-install").forEach(function (form) {
        form.addEventListener("submit", function () {
            form.querySelector("button").disabled = true;
            if (!timer) timer = setInterval(poll, 500);
        });
    });
})();
