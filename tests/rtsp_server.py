#!/usr/bin/python3
"""A small RTSP server for the live-camera tests (not a test itself): GStreamer's RTSP server
(python3-gi, GstRtspServer) on 127.0.0.1:PORT/MOUNT, streaming a folder of numbered PNG frames
(frame_00000.png, ... as `vitrine run --out DIR` writes them) as H.264 in real time at FPS,
looping. Prints READY once it listens; SIGTERM or SIGINT ends it.

    /usr/bin/python3 tests/rtsp_server.py PORT MOUNT FRAMES_DIR [FPS]

Run it with the system's python3 (/usr/bin/python3): GStreamer's Python bindings are Debian's."""
import os, signal, sys

import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer


def main():
    if len(sys.argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    port, mount, frames = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    fps = int(sys.argv[4]) if len(sys.argv) == 5 else 30
    if not mount.startswith("/"):
        mount = "/" + mount
    if not os.path.exists(os.path.join(frames, "frame_00000.png")):
        print("rtsp_server: %s: no frame_00000.png" % frames, file=sys.stderr)
        return 2
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    # multifilesrc with a frame rate in its caps timestamps the frames; the RTSP sinks play them
    # on the clock, so the stream runs in real time. One pipeline shared by every client.
    factory.set_launch(
        "( multifilesrc location=%s/frame_%%05d.png index=0 loop=true caps=image/png,framerate=(fraction)%d/1 "
        "! pngdec ! videoconvert ! video/x-raw,format=I420 "
        "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 bitrate=2000 "
        "! rtph264pay name=pay0 pt=96 config-interval=1 )" % (frames, fps))
    factory.set_shared(True)
    server.get_mount_points().add_factory(mount, factory)
    if server.attach(None) == 0:
        print("rtsp_server: cannot listen on 127.0.0.1:%s" % port, file=sys.stderr)
        return 1
    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print("READY rtsp://127.0.0.1:%s%s" % (port, mount), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
