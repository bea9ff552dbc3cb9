// While the network doctor runs (its form is posted in the background by busy-form.js), shows each check as it
// finishes from /api/v1/network/netcheck/progress: "3 of 12 checks done, 1 failed", with the newest one. The
// results then replace the page's main, and this element with it, which ends the polling.
(function () {
    "use strict";
    var form = document.getElementById("doctor-run");
    var status = document.getElementById("doctor-progress");
    if (!form || !status || !window.fetch) return;
    var timer = null;
    var seenRunning = false;

    function show(p) {
        status.textContent = "";
        var bar = document.createElement("progress");
        bar.max = p.total || 1;
        bar.value = p.done;
        status.appendChild(bar);
        var text = " " + p.done + " of " + p.total + " checks done" + (p.failed ? ", " + p.failed + " failed" : "");
        if (p.last) text += " (newest: " + p.last + ")";
        status.appendChild(document.createTextNode(text));
        status.hidden = false;
    }

    function stop() {
        if (timer) clearInterval(timer);
        timer = null;
    }

    function poll() {
        if (!document.body.contains(status)) return stop();
        fetch("/api/v1/network/netcheck/progress", { credentials: "same-origin", headers: { "Accept": "application/json" } })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (p) {
                if (!p) return;
                // An earlier run's figures until this run has begun.
                if (p.running) seenRunning = true;
                if (seenRunning) show(p);
                if (seenRunning && !p.running) stop();
            })
            .catch(function () { });
    }

    form.addEventListener("submit", function () {
        seenRunning = false;
        stop();
        timer = setInterval(poll, 400);
    });
})();
