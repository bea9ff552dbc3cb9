#!/usr/bin/python3
"""The comparison WebRTC server: Debian's aiortc answering WHEP offers relayed by the bench over stdin/stdout.
Reads one JSON line per request: {"id": n, "offer": sdp} answers {"id": n, "answer": sdp} (H.264 forced, the
file's packets passed through without decoding, like the appliance); {"close": n} ends that peer. ICE servers:
none (explicit)."""
import argparse
import asyncio
import json
import sys

import aioice.ice
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer

p = argparse.ArgumentParser()
p.add_argument('--file', required=True)
a = p.parse_args()
peers = {}
# Loopback only, like every peer of the project's tests and benchmarks (aioice leaves 127.0.0.1 out by default).
aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ['127.0.0.1'] if use_ipv4 else []


def h264_only(sdp):
    """The offer with only H.264 (and its rtx) left in the video section: aiortc 1.4 answers with the offer's first
    common codec and ignores setCodecPreferences there, and the file is H.264."""
    lines = sdp.split('\r\n')
    keep = set()
    for line in lines:
        if line.startswith('a=rtpmap:') and ' H264/' in line:
            keep.add(line[9:].split(' ')[0])
    for line in lines:
        if line.startswith('a=fmtp:') and any(f'apt={pt}' in line for pt in list(keep)):
            keep.add(line[7:].split(' ')[0])
    out, video = [], False
    for line in lines:
        if line.startswith('m='):
            video = line.startswith('m=video')
            if video:
                parts = line.split(' ')
                line = ' '.join(parts[:3] + [pt for pt in parts[3:] if pt in keep])
        elif video and line.startswith(('a=rtpmap:', 'a=fmtp:', 'a=rtcp-fb:')):
            if line.split(':', 1)[1].split(' ')[0] not in keep:
                continue
        out.append(line)
    return '\r\n'.join(out)


async def answer(request):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    peers[request['id']] = (pc, None)
    player = MediaPlayer(a.file, decode=False)
    peers[request['id']] = (pc, player)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=h264_only(request['offer']), type='offer'))
    h264 = [c for c in RTCRtpSender.getCapabilities('video').codecs if c.mimeType == 'video/H264']
    for t in pc.getTransceivers():
        if t.kind == 'video':
            t.setCodecPreferences(h264)
            pc.addTrack(player.video)
    await pc.setLocalDescription(await pc.createAnswer())
    return pc.localDescription.sdp


async def main():
    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print(json.dumps({'ready': True}), flush=True)
    while True:
        line = await reader.readline()
        if not line:
            break
        request = json.loads(line)
        if 'close' in request:
            pc, player = peers.pop(request['close'], (None, None))
            if pc:
                await pc.close()
            if player and player.video:
                player.video.stop()
            continue
        try:
            sdp = await answer(request)
            print(json.dumps({'id': request['id'], 'answer': sdp}), flush=True)
        except Exception as e:  # a failed answer is reported, the server goes on
            print(json.dumps({'id': request['id'], 'error': str(e)}), flush=True)


asyncio.run(main())
