// The camera certificate page right after a camera was added: until the ONVIF plugin has reached the camera there is
// no certificate to show, so the page loads itself again every few seconds (at most a minute) while it says so.
(function () {
    "use strict";
    var waiting = document.getElementById("certificate-waiting");
    if (!waiting) return;
    var seconds = parseInt(waiting.dataset.reloadSeconds, 10) || 2;
    var url = new URL(location.href);
    var tries = parseInt(url.searchParams.get("waited") || "0", 10);
    if (tries * seconds >= 60) {
        waiting.textContent = "the ONVIF plugin has not reached the camera within a minute: check its address, then reload";
        return;
    }
    setTimeout(function () {
        url.searchParams.set("waited", String(tries + 1));
        location.replace(url.href);
    }, seconds * 1000);
})();
