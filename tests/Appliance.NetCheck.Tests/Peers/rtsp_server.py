# GStreamer RTSP server for the RTSP OPTIONS check: serves /cam on the given port (127.0.0.1).
# Run with /usr/bin/python3 (the interpreter that sees gi).
import sys
import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gst, GstRtspServer, GLib

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(sys.argv[1])
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch("( videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=5/1 "
                   "! x264enc tune=zerolatency speed-preset=ultrafast ! rtph264pay name=pay0 pt=96 )")
server.get_mount_points().add_factory("/cam", factory)
server.attach(None)
print("ready", flush=True)
GLib.MainLoop().run()
