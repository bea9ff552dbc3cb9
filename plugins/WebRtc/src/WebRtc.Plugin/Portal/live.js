// Live view: WHEP client per tile. ICE servers are explicit (none): the appliance is ICE-lite and announces its own
// candidates; a deployment with a relay adds its TURN server here, never a public STUN server.
(function () {
  'use strict';
  const root = document.querySelector('.webrtc-live');
  if (!root) return;
  const grid = document.getElementById('webrtc-grid');
  const status = document.getElementById('webrtc-status');
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';
  const params = new URLSearchParams(location.search);

  // Streams for n tiles: the main stream for a single tile, the sub stream (SD) for a grid.
  function streamFor(cameraId, tiles) { return 'camera/' + cameraId + (tiles > 1 ? '/sub' : ''); }

  function pathOf(localType, remoteType) {
    if (localType === 'relay' || remoteType === 'relay') return 'relay';
    if (localType === 'srflx' || remoteType === 'srflx') return 'P2P';
    if (remoteType === 'prflx' || localType === 'prflx' || localType === 'host') return 'LAN';
    return '?';
  }

  async function play(tile, stream) {
    const video = tile.querySelector('video');
    const info = tile.querySelector('.stats');
    const pc = new RTCPeerConnection({ iceServers: [] });
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.ontrack = e => { if (!video.srcObject) video.srcObject = new MediaStream(); video.srcObject.addTrack(e.track); };
    await pc.setLocalDescription(await pc.createOffer());
    const response = await fetch(root.dataset.whepBase + stream, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/sdp', 'X-CSRF-TOKEN': csrf },
      body: pc.localDescription.sdp,
    });
    if (response.status !== 201) { info.textContent = stream + ': ' + response.status + ' ' + (await response.text()); pc.close(); return; }
    const resource = response.headers.get('Location');
    await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
    tile.dataset.resource = resource;
    let last = null;
    setInterval(async () => {
      const s = await pc.getStats();
      let inbound = null, pair = null;
      s.forEach(r => { if (r.type === 'inbound-rtp' && r.kind === 'video') inbound = r; });
      s.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = s.get(r.selectedCandidatePairId); });
      if (!inbound) return;
      const local = pair ? s.get(pair.localCandidateId) || {} : {};
      const remote = pair ? s.get(pair.remoteCandidateId) || {} : {};
      const now = { t: inbound.timestamp, bytes: inbound.bytesReceived, frames: inbound.framesDecoded };
      if (last) {
        const seconds = (now.t - last.t) / 1000;
        const kbps = Math.round((now.bytes - last.bytes) * 8 / seconds / 1000);
        const fps = Math.round((now.frames - last.frames) / seconds);
        const rtt = pair && pair.currentRoundTripTime != null ? Math.round(pair.currentRoundTripTime * 1000) + ' ms' : '-';
        info.textContent = stream + ' · ' + fps + ' fps · ' + kbps + ' kbit/s · RTT ' + rtt + ' · ' + pathOf(local.candidateType, remote.candidateType);
        tile.dataset.path = pathOf(local.candidateType, remote.candidateType);
        tile.dataset.framesDecoded = String(now.frames);
      }
      last = now;
    }, 1000);
    window.addEventListener('pagehide', () => { fetch(resource, { method: 'DELETE', headers: { 'X-CSRF-TOKEN': csrf }, keepalive: true }); pc.close(); });
  }

  async function start() {
    let ids = params.get('camera') ? [params.get('camera')] : [];
    if (ids.length === 0) {
      const r = await fetch(root.dataset.camerasApi, { credentials: 'same-origin' });
      if (!r.ok) { status.textContent = 'cameras: ' + r.status; return; }
      ids = (await r.json()).filter(c => c.enabled).map(c => c.id);
    }
    if (ids.length === 0) { status.textContent = 'No camera yet.'; return; }
    grid.style.gridTemplateColumns = 'repeat(' + Math.ceil(Math.sqrt(ids.length)) + ', 1fr)';
    for (const id of ids) {
      const tile = document.createElement('figure');
      tile.className = 'webrtc-tile';
      tile.dataset.stream = streamFor(id, ids.length);
      tile.innerHTML = '<video autoplay muted playsinline></video><figcaption class="stats">' + tile.dataset.stream + ' · connecting</figcaption>';
      grid.appendChild(tile);
      play(tile, tile.dataset.stream).catch(e => { tile.querySelector('.stats').textContent = String(e); });
    }
  }
  start();
})();
