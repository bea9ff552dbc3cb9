// Recording portal page: timelines (segments and event markers) per camera, clip jobs. No inline script (CSP).
(function () {
  const base = '/plugins/appliance.recording';
  const hour = 3600 * 1000;
  // Styles go through the CSSOM (el.style): the portal's CSP refuses style attributes.
  const el = (tag, attrs, text, style) => {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    Object.assign(e.style, style || {});
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const csrf = () => {
    const m = document.querySelector('meta[name="csrf-token"]');
    return m ? { 'X-CSRF-Token': m.getAttribute('content') } : {};
  };

  async function timelines() {
    const cameras = await (await fetch(base + '/cameras')).json();
    const box = document.getElementById('recording-cameras');
    const select = document.getElementById('recording-camera');
    box.textContent = '';
    select.textContent = '';
    const to = Date.now(), from = to - hour;
    for (const c of cameras) {
      select.appendChild(el('option', { value: c.camera }, c.camera));
      const t = await (await fetch(`${base}/cameras/${encodeURIComponent(c.camera)}/timeline?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`)).json();
      const row = el('div', { class: 'recording-camera', 'data-camera': c.camera });
      row.appendChild(el('strong', {}, `${c.camera} (${c.segments} segments, ${(c.bytes / 1048576).toFixed(1)} MiB${c.recording ? ', recording' : ''})`));
      const bar = el('div', { class: 'recording-bar' }, undefined, { position: 'relative', height: '18px', background: '#ddd', margin: '4px 0 12px' });
      const x = ms => Math.max(0, Math.min(100, (ms - from) / hour * 100));
      for (const s of t.segments) {
        const a = x(Date.parse(s.start)), b = x(Date.parse(s.end));
        bar.appendChild(el('span', { class: 'recording-segment', title: `${s.start} – ${s.end}` }, undefined,
          { position: 'absolute', left: `${a}%`, width: `${Math.max(0.2, b - a)}%`, top: '0', bottom: '0', background: '#4a8' }));
      }
      const list = el('ul', { class: 'recording-event-list' });
      for (const e of t.events) {
        bar.appendChild(el('span', { class: 'recording-event', title: `${e.type} ${e.at}${e.detail ? ' — ' + e.detail : ''}` }, undefined,
          { position: 'absolute', left: `${x(Date.parse(e.at))}%`, width: '2px', top: '0', bottom: '0', background: '#c00' }));
        // The event as text beside the video: time, type, what it says (a POS transaction's register, total, voids...).
        const item = el('li', { class: 'recording-event-text', 'data-type': e.type });
        item.appendChild(el('time', { datetime: e.at }, new Date(e.at).toLocaleTimeString()));
        item.appendChild(el('span', {}, ` ${e.type}${e.detail ? ': ' + e.detail : ''} `));
        const cut = el('button', { type: 'button', class: 'recording-event-clip' }, 'Clip ±30 s');
        cut.addEventListener('click', () => cutAround(c.camera, Date.parse(e.at)));
        item.appendChild(cut);
        list.appendChild(item);
      }
      row.appendChild(bar);
      if (t.events.length > 0) row.appendChild(list);
      box.appendChild(row);
    }
    if (cameras.length === 0) box.textContent = 'No camera is recorded yet.';
  }

  // A clip from 30 s before an event to 30 s after it (or now, if that is still to come).
  async function cutAround(camera, at) {
    const message = document.getElementById('recording-message');
    const r = await fetch(base + '/clips', {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, csrf()),
      body: JSON.stringify({ cameraId: camera, from: new Date(at - 30000).toISOString(), to: new Date(Math.min(at + 30000, Date.now() - 1000)).toISOString() }),
    });
    const j = await r.json();
    message.textContent = r.ok ? `clip ${j.id} queued` : `${j.error}: ${j.message}`;
    clips();
  }

  async function clips() {
    const list = await (await fetch(base + '/clips')).json();
    const body = document.getElementById('recording-clips');
    body.textContent = '';
    for (const c of list) {
      const tr = el('tr', { 'data-clip': c.id });
      const state = c.state === 'cutting' ? `cutting ${(c.progress * 100).toFixed(0)}%` : (c.error ? `${c.state}: ${c.error}` : c.state);
      const exported = c.export ? `; export ${c.export.state}${c.export.error ? ` (${c.export.error})` : ''}` : '';
      [c.camera, c.from, c.to, state + exported, c.bytes ? `${(c.bytes / 1048576).toFixed(1)} MiB` : '']
        .forEach(v => tr.appendChild(el('td', {}, v)));
      const td = el('td');
      if (c.play) {
        const play = el('button', { type: 'button', class: 'recording-play' }, 'Play');
        play.addEventListener('click', () => playClip(c));
        td.appendChild(play);
      }
      if (c.download) td.appendChild(el('a', { href: c.download + '?download', class: 'recording-download' }, 'Download'));
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  // Plays a clip in the page: the MP4 rewrap of the clip (H.264; an H.265 clip says so and stays downloadable).
  async function playClip(c) {
    const player = document.getElementById('recording-player');
    const video = document.getElementById('recording-video');
    const caption = document.getElementById('recording-player-caption');
    player.hidden = false;
    caption.textContent = `${c.camera}: ${c.from} to ${c.to}`;
    const head = await fetch(c.play, { method: 'HEAD' });
    if (!head.ok) {
      const j = await (await fetch(c.play)).json().catch(() => ({ error: head.status, message: '' }));
      caption.textContent = `${c.camera}: cannot play in the browser (${j.error}: ${j.message}); download it instead`;
      video.removeAttribute('src');
      return;
    }
    video.src = c.play;
    video.play().catch(() => { });
  }

  document.getElementById('recording-clip').addEventListener('submit', async ev => {
    ev.preventDefault();
    const iso = id => new Date(document.getElementById(id).value).toISOString();
    const message = document.getElementById('recording-message');
    try {
      const r = await fetch(base + '/clips', {
        method: 'POST',
        headers: Object.assign({ 'Content-Type': 'application/json' }, csrf()),
        body: JSON.stringify({
          cameraId: document.getElementById('recording-camera').value, from: iso('recording-from'), to: iso('recording-to'),
          downscale: document.getElementById('recording-downscale').checked, export: document.getElementById('recording-export').checked,
        }),
      });
      const j = await r.json();
      message.textContent = r.ok ? `clip ${j.id} queued` : `${j.error}: ${j.message}`;
    } catch (e) {
      message.textContent = String(e);
    }
    clips();
  });

  const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
  document.getElementById('recording-to').value = now.toISOString().slice(0, 19);
  document.getElementById('recording-from').value = new Date(now.getTime() - 120000).toISOString().slice(0, 19);
  timelines();
  clips();
  setInterval(clips, 2000);
  setInterval(timelines, 10000);
})();
