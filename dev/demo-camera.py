#!/usr/bin/python3
"""A demo test-pattern camera for the dev run: a GStreamer RTSP server on 127.0.0.1 serving H.264."""
import argparse
import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=8554)
parser.add_argument("--path", default="/demo")
parser.add_argument("--address", default="127.0.0.1")
args = parser.parse_args()

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address(args.address)
server.set_service(str(args.port))
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    "( videotestsrc is-live=true pattern=smpte ! video/x-raw,width=1280,height=720,framerate=25/1 "
    "! clockoverlay ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=50 bitrate=2000 "
    "! rtph264pay name=pay0 pt=96 config-interval=1 )"
)
factory.set_shared(True)
server.get_mount_points().add_factory(args.path, factory)
server.attach(None)
print(f"demo camera on rtsp://{args.address}:{args.port}{args.path}", flush=True)
GLib.MainLoop().run()
