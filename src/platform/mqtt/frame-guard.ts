import { Duplex } from 'node:stream';

/**
 * Refuses an MQTT packet larger than `maxBytes` from its fixed header, before its body arrives.
 * aedes (through mqtt-packet) buffers a whole packet before it parses it and has no size limit, so
 * 4 × 128 MB publishes once took the service from 214 MB to 1.5 GB; this reads only the fixed header
 * (type byte + variable-length "remaining length") of each packet as bytes pass and destroys the
 * connection as soon as a header announces too much. Nothing is buffered here.
 */
export class FrameSizeMeter {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private remaining = 0;
  constructor(private readonly maxBytes: number) {}

  /** Feeds bytes; returns an error text once a packet is too large or its header is malformed. */
  feed(chunk: Buffer): string | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'type') {
        i++;
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
      } else if (this.state === 'length') {
        const b = chunk[i++]!;
        this.length += (b & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        if (++this.lengthBytes > 4) return 'malformed remaining length';
        if (b & 0x80) continue;
        if (this.length > this.maxBytes)
          return `packet of ${this.length} bytes over the ${this.maxBytes} limit`;
        this.remaining = this.length;
        this.state = this.remaining === 0 ? 'type' : 'body';
      } else {
        const n = Math.min(this.remaining, chunk.length - i);
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'type';
      }
    }
    return null;
  }
}

/**
 * The socket as aedes sees it: reads pass through the meter, writes go straight to the socket. On an
 * oversized packet the socket is destroyed (the client sees the connection close, as MQTT 3.1.1 has no
 * way to say why) and `onRefused` is told.
 */
export function guardFrames(socket: Duplex, maxBytes: number, onRefused: (why: string) => void): Duplex {
  const meter = new FrameSizeMeter(maxBytes);
  const conn = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy();
      cb(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    const refused = meter.feed(chunk);
    if (refused) {
      onRefused(refused);
      socket.destroy();
      conn.destroy();
      return;
    }
    if (!conn.push(chunk)) socket.pause();
  });
  socket.on('end', () => conn.push(null));
  socket.on('close', () => conn.destroy());
  socket.on('error', (e) => conn.destroy(e));
  return conn;
}
