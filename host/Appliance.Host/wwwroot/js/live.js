// The portal's one follower of the event stream (/api/v1/events/stream, or /api/v1/events/stream/health for a
// viewer, as the script tag's data-stream says; server-sent events read with fetch so every event type arrives). The layout loads it on every signed-in page; pages opt in with markup only:
//   data-live-refresh="TypeA TypeB" on an element with an id: when an event of one of these types arrives, the page
//     is fetched again (at most once every 2 s) and the element is replaced by its fresh server-rendered copy.
//     "*" stands for every type; data-live-ignore="TypeC" leaves types out. A <details data-key> left open stays open.
//   data-live-status="text" on an element: shows the text while the stream is followed, why not otherwise.
//   <meta name="event-sequence">: the newest event when the page was rendered; the stream resumes after it.
// Other scripts listen on document for "appliance:event" (detail: the event envelope) and "appliance:live"
// (detail: { live, message }). Nothing from the stream is ever inserted as HTML.
(() => {
  "use strict";
  if (!window.fetch || !window.TextDecoder || !window.DOMParser) return;
  // The layout names the stream the user's role may follow (a viewer's carries health events only).
  const stream = document.currentScript?.dataset.stream || "/api/v1/events/stream";
  let after = parseInt(document.querySelector('meta[name="event-sequence"]')?.content, 10) || 0;
  const pending = new Set();
  let timer = null;
  let lastRefresh = 0;

  let state = null;

  function showStatus() {
    if (!state) return;
    for (const el of document.querySelectorAll("[data-live-status]"))
      el.textContent = state.live ? el.dataset.liveStatus : `Live updates paused (${state.message}); retrying.`;
  }

  function announce(live, message) {
    state = { live, message };
    showStatus();
    document.dispatchEvent(new CustomEvent("appliance:live", { detail: state }));
  }

  function watchers(type) {
    const words = (text) => (text || "").split(/\s+/);
    return [...document.querySelectorAll("[data-live-refresh][id]")]
      .filter((el) => { const on = words(el.dataset.liveRefresh); return (on.includes(type) || on.includes("*")) && !words(el.dataset.liveIgnore).includes(type); })
      .map((el) => el.id);
  }

  // At most one fetch every 2 s, and not at once: what the event reports may still be on its way into the host's
  // state (a subscriber such as the discovered-devices list takes it a moment later).
  function schedule(ids) {
    ids.forEach((id) => pending.add(id));
    if (pending.size === 0 || timer) return;
    timer = setTimeout(refresh, Math.max(500, lastRefresh + 2000 - Date.now()));
  }

  // The page as GET renders it now (a POST's handler dropped), its marked elements swapped in.
  async function refresh() {
    timer = null;
    lastRefresh = Date.now();
    const ids = [...pending];
    pending.clear();
    const url = new URL(location.href);
    url.searchParams.delete("handler");
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html", "X-Live-Refresh": "1" } });
      if (!response.ok || new URL(response.url).pathname !== url.pathname) return; // e.g. signed out: left as it is
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      const busy = [];
      for (const id of ids) {
        const now = document.getElementById(id);
        const next = fresh.getElementById(id);
        if (!now || !next) continue;
        const focus = document.activeElement;
        if (focus && now.contains(focus) && focus.matches("input, select, textarea")) { busy.push(id); continue; } // someone is typing there
        const open = [...now.querySelectorAll("details[open][data-key]")].map((d) => d.dataset.key);
        const copy = document.importNode(next, true);
        copy.querySelectorAll("details[data-key]").forEach((d) => { if (open.includes(d.dataset.key)) d.open = true; }); // what the reader opened stays open
        now.replaceWith(copy);
      }
      showStatus();
      document.dispatchEvent(new CustomEvent("appliance:refreshed", { detail: ids }));
      if (busy.length) setTimeout(() => schedule(busy), 2000);
    } catch { /* the next event tries again */ }
  }

  function receive(e) {
    if (typeof e.sequence !== "number" || e.sequence <= after) return;
    after = e.sequence;
    document.dispatchEvent(new CustomEvent("appliance:event", { detail: e }));
    const ids = watchers(e.type);
    schedule(ids);
    if (ids.length) setTimeout(() => schedule(ids), 4000); // once more when the host has surely settled
  }

  async function follow() {
    const response = await fetch(`${stream}?after=${after}`, { credentials: "same-origin", headers: { Accept: "text/event-stream" } });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    announce(true, "live");
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
        let envelope;
        try { envelope = JSON.parse(data); } catch { continue; } // not an event: skipped
        receive(envelope);
      }
      if (buffer.length > 1048576) buffer = ""; // an endless line: dropped
    }
  }

  (async () => {
    for (let delay = 2000; ; delay = Math.min(delay * 2, 30000)) {
      const started = Date.now();
      try { await follow(); } catch (err) { announce(false, err.message); }
      if (Date.now() - started > 60000) delay = 2000; // it had been working: retry soon
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  })();
})();
