#!/usr/bin/python3
"""The reference for the fan-out bench: GStreamer rtsp-server relaying one RTSP camera with a shared factory
(rtspsrc over TCP, depayload, payload again), on 127.0.0.1. Prints READY <port> once listening; stops on SIGTERM
or when stdin closes. Started and stopped by RtspServer.Bench (by pid)."""
import argparse
import signal
import sys
import threading

import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtsp', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument('--port', type=int, required=True)
p.add_argument('--camera', required=True)
p.add_argument('--path', default='/camera/cam1')
a = p.parse_args()

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(str(a.port))
server.set_backlog(512)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(f'( rtspsrc location={a.camera} protocols=tcp latency=0 ! rtph264depay ! '
                   'rtph264pay name=pay0 pt=96 config-interval=1 )')
factory.set_shared(True)
factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
server.get_mount_points().add_factory(a.path, factory)
if server.attach(None) == 0:
    sys.exit('could not listen')
print(f'READY {a.port}', flush=True)

loop = GLib.MainLoop()
signal.signal(signal.SIGTERM, lambda *_: loop.quit())


def wait_stdin():
    sys.stdin.read()
    GLib.idle_add(loop.quit)


threading.Thread(target=wait_stdin, daemon=True).start()
loop.run()
