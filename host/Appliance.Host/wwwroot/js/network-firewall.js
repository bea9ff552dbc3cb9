// Firewall page: applies the ruleset through the API and confirms it from this browser. While the apply request
// is pending, the host waits for POST /firewall/confirm; it arrives only if this browser still reaches the portal
// through the new ruleset, otherwise the host rolls the change back. Cookie-authenticated API writes carry the
// antiforgery token in X-CSRF-TOKEN. Text only (textContent), never HTML from the API.
(() => {
  "use strict";
  const form = document.getElementById("firewall-apply");
  const result = document.getElementById("apply-result");
  if (!form || !result || !window.fetch) return;
  const button = form.querySelector("button[type=submit]");
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function show(text, ok) {
    result.textContent = text;
    result.className = ok ? "notice ok" : "notice error";
    result.setAttribute("role", ok ? "status" : "alert");
  }

  async function detail(response) {
    try {
      const body = await response.json();
      return body.detail || body.message || body.title || `HTTP ${response.status}`;
    } catch {
      return `HTTP ${response.status}`;
    }
  }

  // Polls the status until the host waits for a confirmation, then confirms; stops when the apply has answered.
  async function confirmWhenAsked(headers, finished) {
    while (!finished.done) {
      await sleep(400);
      try {
        const status = await fetch("/api/v1/network/firewall", { credentials: "same-origin", cache: "no-store" });
        if (!status.ok || !(await status.json()).awaitingConfirmation) continue;
        const confirmed = await fetch("/api/v1/network/firewall/confirm", { method: "POST", credentials: "same-origin", headers });
        if (confirmed.ok) {
          show("Reached the portal through the new ruleset: confirmed.", true);
          return;
        }
      } catch {
        // Not reachable (yet): keep trying until the apply answers or the host rolls back.
      }
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = form.querySelector("input[name=__RequestVerificationToken]")?.value || "";
    const headers = { "X-CSRF-TOKEN": token, Accept: "application/json" };
    button.disabled = true;
    show(`Applying; this browser confirms within ${form.dataset.timeout || "60"} s or the change is rolled back...`, true);
    const finished = { done: false };
    const confirming = confirmWhenAsked(headers, finished);
    try {
      const response = await fetch("/api/v1/network/firewall/apply?confirm=true", { method: "POST", credentials: "same-origin", headers });
      finished.done = true;
      await confirming;
      if (response.ok) {
        const body = await response.json();
        show(`Applied: ${body.message || "the new ruleset is in force"}`, true);
      } else {
        show(`Not applied: ${await detail(response)}`, false);
      }
    } catch (err) {
      finished.done = true;
      show(`The apply request failed (${err.message}); reload to see the firewall's state.`, false);
    } finally {
      button.disabled = false;
    }
  });
})();
