#!/usr/bin/python3
"""A second, independent WebRTC viewer: Debian's aiortc. Prints its offer as one JSON line ({"offer": sdp}),
reads the answer as one JSON line on stdin ({"answer": sdp}), then prints FRAME <n> <width>x<height> for each
decoded video frame and exits after --frames frames (or --timeout seconds). ICE servers: none (explicit)."""
import argparse
import asyncio
import json
import sys

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

p = argparse.ArgumentParser()
p.add_argument('--frames', type=int, default=10)
p.add_argument('--timeout', type=float, default=60)
a = p.parse_args()


async def main():
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    pc.addTransceiver('video', direction='recvonly')
    done = asyncio.get_event_loop().create_future()

    @pc.on('track')
    def on_track(track):
        async def consume():
            n = 0
            try:
                while n < a.frames:
                    frame = await track.recv()
                    n += 1
                    print(f'FRAME {n} {frame.width}x{frame.height}', flush=True)
            except Exception as e:  # the track ended
                print(f'TRACK-ENDED {e!r}', flush=True)
            if not done.done():
                done.set_result(n)
        asyncio.ensure_future(consume())

    @pc.on('connectionstatechange')
    def on_state():
        print(f'STATE {pc.connectionState}', flush=True)

    await pc.setLocalDescription(await pc.createOffer())
    print(json.dumps({'offer': pc.localDescription.sdp}), flush=True)
    line = await asyncio.get_event_loop().run_in_executor(None, sys.stdin.readline)
    await pc.setRemoteDescription(RTCSessionDescription(sdp=json.loads(line)['answer'], type='answer'))
    try:
        n = await asyncio.wait_for(done, a.timeout)
        print(f'DONE {n}', flush=True)
    except asyncio.TimeoutError:
        print('TIMEOUT', flush=True)
    await pc.close()


asyncio.run(main())
