import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_CACHE_DIR,
  FACTORY_CLIP,
  faultClip,
  normalisedClip,
  patternClip,
  stillClip,
} from './clips.ts';
import { startControlServer } from './control.ts';

export { buildSlideshowClip, type SlideshowClip, type SlideshowOptions } from './clips.ts';

/** Faults a camera can be put into; `restore` brings it back to its normal picture and connection. */
export const FAULT_KINDS = ['drop', 'stall', 'freeze', 'black', 'cover', 'clock-jump', 'restore'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const isFaultKind = (k: string): k is FaultKind => (FAULT_KINDS as readonly string[]).includes(k);

/** What a camera shows: the factory clip, an animated test pattern, or any video file (e.g. a slideshow). */
export type SimSource =
  { kind: 'factory' } | { kind: 'pattern'; variant?: number } | { kind: 'clip'; path: string };

export interface SimOptions {
  /** how many cameras (ids cam1..camN) or their ids */
  cameras: number | string[];
  /** RTSP port; 0 picks a free one */
  port?: number;
  /** HTTP control API port (0 picks one); omitted = no HTTP control API */
  controlPort?: number;
  /** per camera, by index; default: the factory clip for cam1 when present, test patterns otherwise */
  sources?: (SimSource | undefined)[];
  cacheDir?: string;
  /** require HTTP Basic credentials from RTSP clients, like a real camera */
  auth?: { user: string; password: string };
}

export interface Sim {
  port: number;
  cameras: string[];
  /** rtsp://127.0.0.1:PORT/camN, by 1-based index or id */
  url(cam: number | string): string;
  controlUrl: string | null;
  fault(cam: number | string, kind: FaultKind): Promise<void>;
  faults(): Record<string, FaultKind | 'ok'>;
  /** the RTSP server process (it owns the publishers) */
  pid: number;
  stop(): Promise<void>;
}

const SERVER_PY = join(dirname(fileURLToPath(import.meta.url)), 'rtsp_server.py');
/** Debian's python3 has the GStreamer bindings (gi); a pyenv python3 on PATH usually does not. */
export const SIM_PYTHON = process.env.JIANHU_SIM_PYTHON ?? '/usr/bin/python3';

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((res, rej) => {
    s.once('error', rej);
    s.bind(0, '127.0.0.1', () => res());
  });
  const { port } = s.address();
  await new Promise<void>((res) => s.close(() => res()));
  return port;
}

function defaultSource(i: number): SimSource {
  return i === 0 && existsSync(FACTORY_CLIP) ? { kind: 'factory' } : { kind: 'pattern', variant: i };
}

async function clipFor(src: SimSource, i: number, cacheDir: string): Promise<string> {
  if (src.kind === 'factory') return normalisedClip(FACTORY_CLIP, cacheDir);
  if (src.kind === 'pattern') return patternClip(src.variant ?? i, cacheDir);
  return src.path;
}

/** Starts the RTSP server with one publisher per camera; resolves once every camera is being served. */
export async function startSim(opts: SimOptions): Promise<Sim> {
  const cacheDir = opts.cacheDir ?? DEFAULT_CACHE_DIR;
  const ids =
    typeof opts.cameras === 'number'
      ? Array.from({ length: opts.cameras }, (_, i) => `cam${i + 1}`)
      : opts.cameras;
  if (ids.length === 0 || ids.some((id) => !/^[A-Za-z0-9_-]{1,64}$/.test(id)))
    throw new Error('streams-sim: camera ids must be 1-64 letters, digits, _ or -');
  // Clips first (cached after the first run), sequentially: the machine may have only 2 cores.
  const normal: string[] = [];
  for (const [i] of ids.entries())
    normal.push(await clipFor(opts.sources?.[i] ?? defaultSource(i), i, cacheDir));
  // fault pictures too, so a fault switches within a frame or two instead of waiting for an encode
  const stills: string[] = [];
  for (const clip of normal) stills.push(await stillClip(clip, 1, cacheDir));
  const faultClips = { black: await faultClip('black', cacheDir), cover: await faultClip('cover', cacheDir) };
  const udp: number[] = [];
  for (const _ of ids) udp.push(await freeUdpPort());

  const auth = opts.auth ? ['--auth', `${opts.auth.user}:${opts.auth.password}`] : [];
  const child = spawn(
    SIM_PYTHON,
    [SERVER_PY, '--port', String(opts.port ?? 0), ...auth, ...ids.map((id, i) => `${id}:${udp[i]}`)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  const logFile = process.env.JIANHU_SIM_LOG; // debugging: the RTSP server's own log (set GST_DEBUG too)
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
    if (logFile) appendFileSync(logFile, d);
  });
  const server = new ServerLink(child);
  let port: number;
  try {
    port = await server.ready();
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`streams-sim: RTSP server did not start: ${(e as Error).message} ${stderr.trim()}`);
  }
  const state = new Map<string, FaultKind | 'ok'>(ids.map((id) => [id, 'ok']));
  const idOf = (cam: number | string): string => {
    const id = typeof cam === 'number' ? ids[cam - 1] : cam;
    if (!id || !state.has(id)) throw new Error(`streams-sim: no camera ${cam}`);
    return id;
  };
  for (const [i, id] of ids.entries()) await server.send(`play ${id} 0 ${normal[i]}`);
  server.onPublisherExit = (id) => {
    // a publisher that died by itself is restarted on what it was playing (a camera reboots)
    const i = ids.indexOf(id);
    if (i >= 0 && !server.closed)
      setTimeout(() => void server.send(`play ${id} 0 ${normal[i]}`).catch(() => {}), 500);
  };

  const sim: Sim = {
    port,
    cameras: ids,
    url: (cam) => `rtsp://127.0.0.1:${port}/${idOf(cam)}`,
    controlUrl: null,
    pid: child.pid!,
    faults: () => Object.fromEntries(state),
    async fault(cam, kind) {
      const id = idOf(cam);
      const i = ids.indexOf(id);
      const clip = normal[i]!;
      if (kind === 'drop' || kind === 'stall') await server.send(`${kind} ${id}`);
      else if (kind === 'freeze') await server.send(`play ${id} 0 ${stills[i]}`);
      else if (kind === 'black' || kind === 'cover') await server.send(`play ${id} 0 ${faultClips[kind]}`);
      else if (kind === 'clock-jump') await server.send(`play ${id} 3600 ${clip}`);
      else {
        await server.send(`restore ${id}`);
        const prev = state.get(id);
        if (prev === 'freeze' || prev === 'black' || prev === 'cover' || prev === 'clock-jump')
          await server.send(`play ${id} 0 ${clip}`);
      }
      state.set(id, kind === 'restore' ? 'ok' : kind);
    },
    async stop() {
      await control?.close();
      await server.close();
    },
  };
  const control = opts.controlPort !== undefined ? await startControlServer(sim, opts.controlPort) : null;
  sim.controlUrl = control?.url ?? null;
  return sim;
}

/** The line protocol with rtsp_server.py: commands on stdin, JSON events on stdout, acks in order. */
class ServerLink {
  closed = false;
  onPublisherExit: (camera: string) => void = () => {};
  private readonly waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private readyWaiter: { resolve: (port: number) => void; reject: (e: Error) => void } | null = null;
  private readonly exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => this.onLine(line));
    this.exited = new Promise((res) => child.once('exit', () => res()));
    child.once('exit', (code) => {
      this.closed = true;
      const err = new Error(`RTSP server exited (${code})`);
      this.readyWaiter?.reject(err);
      for (const w of this.waiting.splice(0)) w.reject(err);
    });
  }

  ready(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.readyWaiter = { resolve, reject };
      setTimeout(() => reject(new Error('timed out')), 10_000).unref();
    });
  }

  send(line: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('streams-sim is stopped'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin!.write(line + '\n');
    });
  }

  private onLine(line: string): void {
    let ev: { event?: string; port?: number; camera?: string; line?: string };
    try {
      ev = JSON.parse(line) as typeof ev;
    } catch {
      return;
    }
    if (ev.event === 'ready') this.readyWaiter?.resolve(ev.port!);
    else if (ev.event === 'ack') this.waiting.shift()?.resolve();
    else if (ev.event === 'error') this.waiting.shift()?.reject(new Error(`streams-sim refused: ${ev.line}`));
    else if (ev.event === 'publisher_exit' && ev.camera) this.onPublisherExit(ev.camera);
  }

  /** quit, then SIGKILL after 3 s; the server's publishers die with it (PR_SET_PDEATHSIG). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.child.stdin!.end('quit\n');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(t);
  }
}
