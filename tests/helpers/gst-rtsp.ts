import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SIM_PYTHON } from '../../streams-sim/index.ts';

/**
 * A camera served by software we did not write: GStreamer's stock RTSP server (the gst-rtsp-server
 * "test-launch" example in spirit) running `launch` at rtsp://127.0.0.1:PORT/MOUNT. GStreamer
 * encodes and packetises itself; nothing of ours is in the media path.
 */
export interface GstCamera {
  /** 0 when Debian's python3-gi / gst-rtsp-server are missing (callers skip visibly) */
  port: number;
  url: string;
  stop(): void;
}

const SERVER = (launch: string, mount: string) => `
import gi
gi.require_version("Gst", "1.0"); gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer
Gst.init(None)
s = GstRtspServer.RTSPServer(); s.set_address("127.0.0.1"); s.set_service("0")
f = GstRtspServer.RTSPMediaFactory(); f.set_shared(True)
f.set_launch(${JSON.stringify(`( ${launch} )`)})
s.get_mount_points().add_factory("/${mount}", f)
s.attach(None)
print(s.get_bound_port(), flush=True)
GLib.MainLoop().run()
`;

export async function startGstCamera(launch: string, mount: string): Promise<GstCamera> {
  const p: ChildProcess = spawn(SIM_PYTHON, ['-c', SERVER(launch, mount)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = await Promise.race([
    new Promise<string>((r) => createInterface({ input: p.stdout! }).once('line', r)),
    new Promise<null>((r) => p.once('exit', () => r(null)).once('error', () => r(null))),
  ]);
  const port = line ? Number(line) : 0;
  return { port, url: `rtsp://127.0.0.1:${port}/${mount}`, stop: () => void p.kill('SIGKILL') };
}
