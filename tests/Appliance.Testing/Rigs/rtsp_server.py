#!/usr/bin/python3
"""A test RTSP camera: GStreamer rtsp-server on one port, H.264 or H.265 video, optional AAC or PCMU audio,
optional Digest authentication. Prints READY <port> once listening, CLIENT <n> per connection, TEARDOWN per
TEARDOWN request. Stops on SIGTERM. Started and killed by the tests (by pid)."""
import argparse
import signal
import sys

import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtsp', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument('--port', type=int, required=True)
p.add_argument('--address', default='127.0.0.1')
p.add_argument('--codec', default='h264', choices=['h264', 'h265'])
p.add_argument('--audio', default='none', choices=['none', 'aac', 'pcmu'])
p.add_argument('--user')
p.add_argument('--password')
p.add_argument('--path', default='/cam')
p.add_argument('--width', type=int, default=1280)
p.add_argument('--height', type=int, default=720)
p.add_argument('--fps', type=int, default=25)
p.add_argument('--bitrate', type=int, default=2000, help='kbit/s')
p.add_argument('--keyint', type=int, default=50)
p.add_argument('--protocols', default='all', choices=['all', 'udp', 'tcp'],
               help='lower transports the server accepts; a SETUP with another gets 461 Unsupported transport')
p.add_argument('--pattern', default='ball', help='videotestsrc pattern (snow: incompressible, the bitrate is reached)')
p.add_argument('--sub-path', help='a second mount: the same picture at --sub-width x --sub-height (a sub stream)')
p.add_argument('--sub-width', type=int, default=320)
p.add_argument('--sub-height', type=int, default=180)
a = p.parse_args()

Gst.init(None)
video = (f"videotestsrc is-live=true pattern={a.pattern} ! video/x-raw,width={a.width},height={a.height},framerate={a.fps}/1 ! ")
if a.codec == 'h264':
    video += (f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={a.keyint} bitrate={a.bitrate} ! "
              "rtph264pay name=pay0 pt=96 config-interval=1")
else:
    video += (f"x265enc tune=zerolatency speed-preset=ultrafast key-int-max={a.keyint} bitrate={a.bitrate} ! "
              "rtph265pay name=pay0 pt=96 config-interval=1")
audio = ''
if a.audio == 'aac':
    audio = (" audiotestsrc is-live=true wave=sine ! audio/x-raw,rate=16000,channels=1 ! avenc_aac ! "
             "rtpmp4gpay name=pay1 pt=97")
elif a.audio == 'pcmu':
    audio = " audiotestsrc is-live=true wave=sine ! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay name=pay1 pt=0"

server = GstRtspServer.RTSPServer()
server.set_address(a.address)
server.set_service(str(a.port))
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch('( ' + video + audio + ' )')
factory.set_shared(True)
if a.protocols == 'udp':
    factory.set_protocols(GstRtsp.RTSPLowerTrans.UDP)
elif a.protocols == 'tcp':
    factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
if a.user:
    auth = GstRtspServer.RTSPAuth()
    auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    token = GstRtspServer.RTSPToken()
    token.set_string('media.factory.role', 'user')
    auth.add_digest(a.user, a.password or '', token)
    server.set_auth(auth)
    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_permission_for_role('user', 'media.factory.access', True)
    permissions.add_permission_for_role('user', 'media.factory.construct', True)
    factory.set_permissions(permissions)
server.get_mount_points().add_factory(a.path, factory)
if a.sub_path:
    sub = GstRtspServer.RTSPMediaFactory()
    sub_video = video.replace(f"width={a.width},height={a.height}", f"width={a.sub_width},height={a.sub_height}")
    sub.set_launch('( ' + sub_video + ' )')
    sub.set_shared(True)
    if factory.get_permissions() is not None:
        sub.set_permissions(factory.get_permissions())
    server.get_mount_points().add_factory(a.sub_path, sub)

clients = [0]


def on_teardown(client, context):
    print('TEARDOWN', flush=True)


def on_client(srv, client):
    clients[0] += 1
    print(f'CLIENT {clients[0]}', flush=True)
    client.connect('teardown-request', on_teardown)


server.connect('client-connected', on_client)
if server.attach(None) == 0:
    print('ATTACH-FAILED', flush=True)
    sys.exit(2)
loop = GLib.MainLoop()
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
print(f'READY {a.port}', flush=True)
loop.run()
