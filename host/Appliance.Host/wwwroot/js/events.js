// Events page: follows /api/v1/events/stream (server-sent events, read with fetch so every event type arrives)
// and adds each new event at the top of the table. Text only (textContent), never HTML from the stream.
(() => {
  "use strict";
  const table = document.getElementById("events");
  const status = document.getElementById("live-status");
  if (!table || !status || !window.fetch || !window.TextDecoder) return;
  const body = table.tBodies[0];
  const filter = table.dataset.type || "";
  const limit = parseInt(table.dataset.limit, 10) || 100;
  let after = parseInt(table.dataset.after, 10) || 0;
  const pad = (n) => String(n).padStart(2, "0");
  const time = (iso) => {
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
  };

  function add(e) {
    if (typeof e.sequence !== "number" || e.sequence <= after) return;
    after = e.sequence;
    if (filter && e.type !== filter) return;
    const row = body.insertRow(0);
    row.dataset.seq = String(e.sequence);
    for (const text of [e.sequence, time(e.occurredAt), e.category, e.type, e.source]) row.insertCell().textContent = String(text ?? "");
    const code = document.createElement("code");
    code.className = "data";
    code.textContent = JSON.stringify(e.data ?? null);
    row.insertCell().appendChild(code);
    while (body.rows.length > limit) body.deleteRow(body.rows.length - 1);
    document.getElementById("no-events")?.remove();
    status.textContent = `Live: newest event #${e.sequence} at ${time(e.occurredAt)}.`;
  }

  async function follow() {
    const response = await fetch(`/api/v1/events/stream?after=${after}`, { credentials: "same-origin", headers: { Accept: "text/event-stream" } });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    status.textContent = "Live: new events appear at the top.";
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error("stream ended");
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
        if (!data) continue;
        try { add(JSON.parse(data)); } catch { /* not an event: skipped */ }
      }
      if (buffer.length > 1048576) buffer = ""; // an endless line: dropped
    }
  }

  (async () => {
    for (let delay = 2000; ; delay = Math.min(delay * 2, 30000)) {
      const started = Date.now();
      try { await follow(); } catch (err) { status.textContent = `Live updates paused (${err.message}); retrying.`; }
      if (Date.now() - started > 60000) delay = 2000; // it had been working: retry soon
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  })();
})();
