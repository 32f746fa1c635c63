#!/usr/bin/python3
"""streams-sim RTSP server: Debian's GStreamer RTSP server (gst-rtsp-server), one mount per camera.

Each camera's H.264 arrives as RTP over UDP on 127.0.0.1:<port> from an ffmpeg publisher (-c copy of a
pre-encoded clip, looped in real time) and is re-payloaded for RTSP clients (TCP interleaved or UDP).
One-line commands on stdin drive it:
    play CAM TS_OFFSET_S CLIP   (re)start CAM's publisher on CLIP (freeze/black/cover/clock-jump)
    drop CAM | stall CAM | restore CAM | quit
The publishers are this process's children and die with it (PR_SET_PDEATHSIG), and this process quits
when its stdin closes, so killing the parent never leaves ffmpeg orphans behind.
Events go to stdout as JSON lines ({"event": "ready"}, {"event": "ack", ...}).
Run with Debian's /usr/bin/python3 (python3-gi, gir1.2-gst-rtsp-server-1.0).
"""
import argparse
import ctypes
import json
import signal
import subprocess
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96"


def say(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


LIBC = ctypes.CDLL("libc.so.6", use_errno=True)


def die_with_parent():
    LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Camera:
    def __init__(self, cam_id, udp_port):
        self.id = cam_id
        self.udp_port = udp_port
        self.publisher = None
        self.path = "/" + cam_id
        self.dropped = False
        self.stalled = False
        self.valves = []
        self.clients = set()
        self.factory = GstRtspServer.RTSPMediaFactory()
        # No jitterbuffer on purpose: buffers keep udpsrc's arrival timestamps, so a publisher restart
        # (fault switch, clock jump: new random RTP timestamp base) is no discontinuity for the server.
        # The valve drops buffers during a stall so clients stay connected but receive no frames.
        self.factory.set_launch(
            f'( udpsrc port={udp_port} caps="{CAPS}" buffer-size=2097152 '
            "! rtph264depay "
            "! h264parse config-interval=-1 ! valve name=valve drop=false "
            "! rtph264pay name=pay0 pt=96 config-interval=1 )"
        )
        self.factory.set_shared(True)
        self.factory.set_stop_on_disconnect(False)
        self.factory.set_suspend_mode(GstRtspServer.RTSPSuspendMode.NONE)
        self.factory.set_protocols(
            GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP | GstRtsp.RTSPLowerTrans.UDP_MCAST
        )
        self.factory.connect("media-configure", self.on_media)

    def on_media(self, _factory, media):
        valve = media.get_element().get_by_name("valve")
        valve.set_property("drop", self.stalled)
        self.valves.append(valve)

    def play(self, clip, offset):
        self.stop_publisher()
        cmd = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-stream_loop", "-1"]
        cmd += ["-i", clip, "-map", "0:v:0", "-c", "copy"]
        if offset:
            cmd += ["-output_ts_offset", str(offset)]
        cmd += ["-f", "rtp", f"rtp://127.0.0.1:{self.udp_port}?pkt_size=1200"]
        self.publisher = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)

    def stop_publisher(self):
        if self.publisher is not None:
            self.publisher.kill()
            self.publisher.wait()
            self.publisher = None

    def set_stalled(self, stalled):
        self.stalled = stalled
        for v in self.valves:
            v.set_property("drop", stalled)


class Sim:
    def __init__(self, port, cameras, auth=None):
        self.server = GstRtspServer.RTSPServer()
        if auth:
            # Basic auth like an IP camera's: without the right user:password, DESCRIBE gets 401.
            user, password = auth.split(":", 1)
            token = GstRtspServer.RTSPToken()
            token.set_string("media.factory.role", "user")
            rtsp_auth = GstRtspServer.RTSPAuth()
            rtsp_auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
            self.server.set_auth(rtsp_auth)
        self.server.set_address("127.0.0.1")
        self.server.set_service(str(port))
        self.mounts = self.server.get_mount_points()
        self.cameras = {}
        for spec in cameras:
            cam_id, udp = spec.split(":")
            cam = Camera(cam_id, int(udp))
            if auth:
                role = "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
                cam.factory.add_role_from_structure(Gst.Structure.from_string(role)[0])
            self.cameras[cam_id] = cam
            self.mounts.add_factory(cam.path, cam.factory)
        self.server.connect("client-connected", self.on_client)

    def on_client(self, _server, client):
        client.connect("pre-describe-request", self.on_request)
        client.connect("pre-setup-request", self.on_request)
        client.connect("pre-play-request", self.on_request)
        client.connect("closed", self.on_closed)

    def camera_of(self, ctx):
        path = ctx.uri.abspath if ctx.uri else ""
        return self.cameras.get(path.lstrip("/").split("/")[0])

    def on_request(self, client, ctx):
        cam = self.camera_of(ctx)
        if cam is None:
            return GstRtsp.RTSPStatusCode.OK  # the mount table answers 404
        if cam.dropped:
            return GstRtsp.RTSPStatusCode.SERVICE_UNAVAILABLE
        cam.clients.add(client)
        return GstRtsp.RTSPStatusCode.OK

    def watch_publishers(self):
        # A publisher that dies (bad clip, crash) is reported; the parent decides what to do.
        for cam in self.cameras.values():
            p = cam.publisher
            if p is not None and p.poll() is not None:
                say(event="publisher_exit", camera=cam.id, code=p.returncode)
                cam.publisher = None
        return True

    def on_closed(self, client):
        for cam in self.cameras.values():
            cam.clients.discard(client)

    def command(self, line):
        parts = line.split(None, 3)  # a clip path may contain spaces; it comes last
        if not parts:
            return False
        if parts[0] == "quit":
            GLib.idle_add(loop.quit)
            return False
        if len(parts) < 2 or parts[1] not in self.cameras or (parts[0] != "play" and len(parts) != 2):
            say(event="error", line=line)
            return False
        kind, cam = parts[0], self.cameras[parts[1]]
        if kind == "play" and len(parts) == 4:
            cam.play(parts[3], float(parts[2]))
        elif kind == "drop":
            cam.dropped = True
            for client in list(cam.clients):
                client.close()
            cam.clients.clear()
        elif kind == "stall":
            cam.set_stalled(True)
        elif kind == "restore":
            cam.dropped = False
            cam.set_stalled(False)
        else:
            say(event="error", line=line)
            return False
        say(event="ack", kind=kind, camera=cam.id)
        return False


def read_stdin(sim):
    for line in sys.stdin:
        GLib.idle_add(sim.command, line.strip())
    GLib.idle_add(loop.quit)  # parent went away: stop, never linger as an orphan


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--auth", help="USER:PASSWORD required from clients (HTTP Basic)")
    ap.add_argument("cameras", nargs="+", help="CAM_ID:UDP_PORT")
    args = ap.parse_args()
    Gst.init(None)
    loop = GLib.MainLoop()
    sim = Sim(args.port, args.cameras, args.auth)
    if sim.server.attach(None) == 0:
        say(event="error", message=f"cannot listen on port {args.port}")
        sys.exit(3)
    GLib.timeout_add(500, sim.watch_publishers)
    threading.Thread(target=read_stdin, args=(sim,), daemon=True).start()
    say(event="ready", port=sim.server.get_bound_port())
    try:
        loop.run()
    finally:
        for c in sim.cameras.values():
            c.stop_publisher()
