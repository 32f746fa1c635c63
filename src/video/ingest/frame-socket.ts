import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Cuts a byte stream into fixed-size frames, assembling each in a buffer from `acquire` (the frame
 * pool, or a fresh allocation) and handing it to `emit`, which owns it from then on.
 */
export class FrameAssembler {
  private buf: Buffer | null = null;
  private filled = 0;

  constructor(
    private readonly frameBytes: number,
    private readonly acquire: () => Buffer,
    private readonly emit: (frame: Buffer) => void,
  ) {}

  push(chunk: Uint8Array, length = chunk.length): void {
    let off = 0;
    while (off < length) {
      const buf = (this.buf ??= this.acquire());
      const n = Math.min(length - off, this.frameBytes - this.filled);
      buf.set(chunk.subarray(off, off + n), this.filled);
      this.filled += n;
      off += n;
      if (this.filled === this.frameBytes) {
        this.buf = null;
        this.filled = 0;
        this.emit(buf);
      }
    }
  }
}

let dir: string | undefined;
let n = 0;

/** A folder only this user can enter (mkdtemp makes it 0700), removed when the process exits. */
function privateDir(): string {
  if (!dir) {
    const d = mkdtempSync(join(tmpdir(), 'jianhu-frames-'));
    dir = d;
    process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return dir;
}

/** The folder frame sockets are made in (diagnostics and the attacker test: tests/security). */
export const frameSocketDir = (): string => privateDir();

/**
 * ffmpeg's stdout as a connected Unix socket instead of a pipe, read with `onread` into ONE reused
 * buffer: a child's stdout pipe is a stream that allocates a new buffer for every read (≤ 64 KB,
 * eleven per 640×360 RGB frame), and together with the frame buffers those were what kept the main
 * thread's garbage collector busy. `writer` goes to spawn()'s stdio (the child gets a duplicate of its
 * descriptor) and must then be destroyed here; `reader` delivers bytes to `onData` (valid only during
 * the call) and ends when the child closes its end. The socket file lives in a 0700 folder and is
 * removed once the pair is connected, so no other user can connect in between.
 */
export async function openFrameSocket(
  onData: (bytes: Uint8Array, length: number) => void,
  readBytes = 256 * 1024,
): Promise<{ reader: net.Socket; writer: net.Socket }> {
  const path = join(privateDir(), `f${process.pid}-${n++}.sock`);
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const reader = net.connect({
      path,
      onread: {
        buffer: Buffer.allocUnsafe(readBytes),
        callback: (len, buf) => {
          onData(buf, len);
          return true;
        },
      },
    });
    await new Promise<void>((resolve, reject) => {
      reader.once('connect', resolve);
      reader.once('error', reject);
    });
    const writer = await accepted;
    writer.pause();
    return { reader, writer };
  } finally {
    server.close(); // unlinks the socket file
  }
}
