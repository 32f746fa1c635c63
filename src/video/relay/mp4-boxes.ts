/**
 * Just enough ISO-BMFF (ISO/IEC 14496-12) to relay a fragmented MP4 that ffmpeg writes: the track's
 * timescale and codec string from the init segment, and per fragment its decode time, duration and
 * whether it starts with a sync sample. Pure functions over Buffers, no I/O.
 */

export interface Box {
  type: string;
  /** offset of the box's first byte in the buffer given */
  start: number;
  /** offset of its payload (after size, type and any 64-bit size) */
  body: number;
  /** offset just past the box */
  end: number;
}

/**
 * The box starting at `at`, or null when the buffer does not hold its header yet. `size` 0 (to the
 * end of the file) cannot be relayed: a stream has no end to run to, so it reads as malformed.
 */
export function boxAt(buf: Buffer, at: number): Box | { malformed: string } | null {
  if (buf.length - at < 8) return null;
  let size = buf.readUInt32BE(at);
  const type = buf.toString('latin1', at + 4, at + 8);
  let body = at + 8;
  if (size === 1) {
    if (buf.length - at < 16) return null;
    const big = buf.readBigUInt64BE(at + 8);
    if (big > BigInt(Number.MAX_SAFE_INTEGER)) return { malformed: `box ${type} too large` };
    size = Number(big);
    body = at + 16;
  }
  if (size === 0) return { malformed: `box ${type} runs to the end of the stream` };
  if (size < body - at) return { malformed: `box ${type} has size ${size}` };
  return { type, start: at, body, end: at + size };
}

/** The child boxes of [from, to) (a container's payload); stops at the first incomplete one. */
export function childBoxes(buf: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at < to) {
    const b = boxAt(buf, at);
    if (!b || 'malformed' in b || b.end > to) break;
    out.push(b);
    at = b.end;
  }
  return out;
}

function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  return childBoxes(buf, parent.body, parent.end).find((b) => b.type === type);
}

/** Follows a path of container types (`['trak', 'mdia', 'mdhd']`) from `parent`. */
export function findPath(buf: Buffer, parent: Box, path: string[]): Box | undefined {
  let at: Box | undefined = parent;
  for (const type of path) {
    if (!at) return undefined;
    at = child(buf, at, type);
  }
  return at;
}

export interface TrackInfo {
  timescale: number;
  /** RFC 6381 codec string (avc1.64001F, hvc1.1.6.L93.B0, …); the sample entry's fourcc when unknown */
  codec: string;
  /** trex defaults: used where a fragment names neither its own nor per-sample values */
  defaultSampleDuration: number;
  defaultSampleFlags: number;
}

const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');

/** avc1.PPCCLL from an avcC box: profile, constraint flags and level, two hex digits each. */
function avcCodec(fourcc: string, buf: Buffer, avcC: Box): string {
  const p = avcC.body;
  return `${fourcc}.${hex2(buf[p + 1]!)}${hex2(buf[p + 2]!)}${hex2(buf[p + 3]!)}`;
}

/**
 * hvc1.A.B.TL.C… from an hvcC box (ISO/IEC 14496-15 annex E): profile space and profile, the
 * compatibility flags bit-reversed in hex, tier and level, then the constraint bytes without trailing
 * zero bytes.
 */
function hevcCodec(fourcc: string, buf: Buffer, hvcC: Box): string {
  const p = hvcC.body;
  const b1 = buf[p + 1]!;
  const space = ['', 'A', 'B', 'C'][b1 >> 6]!;
  const tier = (b1 >> 5) & 1 ? 'H' : 'L';
  const profile = b1 & 0x1f;
  const compat = buf.readUInt32BE(p + 2);
  let reversed = 0;
  for (let i = 0; i < 32; i++) if (compat & (1 << i)) reversed |= 1 << (31 - i);
  const level = buf[p + 12]!;
  const constraints = [...buf.subarray(p + 6, p + 12)];
  while (constraints.length && constraints.at(-1) === 0) constraints.pop();
  const parts = [
    `${fourcc}`,
    `${space}${profile}`,
    (reversed >>> 0).toString(16).toUpperCase(),
    `${tier}${level}`,
  ];
  for (const c of constraints) parts.push(c.toString(16).toUpperCase());
  return parts.join('.');
}

/** Timescale, codec and defaults of the first video track of an init segment's moov. */
export function readTrackInfo(buf: Buffer, moov: Box): TrackInfo | { malformed: string } {
  const trak = childBoxes(buf, moov.body, moov.end).find(
    (t) =>
      t.type === 'trak' &&
      (() => {
        const hdlr = findPath(buf, t, ['mdia', 'hdlr']);
        return hdlr ? buf.toString('latin1', hdlr.body + 8, hdlr.body + 12) === 'vide' : false;
      })(),
  );
  if (!trak) return { malformed: 'no video track in moov' };
  const mdhd = findPath(buf, trak, ['mdia', 'mdhd']);
  if (!mdhd) return { malformed: 'no mdhd' };
  // mdhd v1: 8-byte creation/modification times; v0: 4-byte
  const timescale = buf.readUInt32BE(mdhd.body + (buf[mdhd.body] === 1 ? 20 : 12));
  const stsd = findPath(buf, trak, ['mdia', 'minf', 'stbl', 'stsd']);
  if (!stsd) return { malformed: 'no stsd' };
  // stsd: version/flags (4), entry count (4), then sample entries; a visual sample entry's own
  // fields take 78 bytes before its child boxes (avcC, hvcC, …)
  const entry = boxAt(buf, stsd.body + 8);
  if (!entry || 'malformed' in entry) return { malformed: 'no sample entry' };
  const codecBoxes = childBoxes(buf, entry.body + 78, entry.end);
  const avcC = codecBoxes.find((b) => b.type === 'avcC');
  const hvcC = codecBoxes.find((b) => b.type === 'hvcC');
  const codec = avcC ? avcCodec(entry.type, buf, avcC) : hvcC ? hevcCodec(entry.type, buf, hvcC) : entry.type;
  // trex (in mvex) holds the defaults of the track with the same id (tkhd: id after the times)
  const tkhd = findPath(buf, trak, ['tkhd']);
  const trackId = tkhd ? buf.readUInt32BE(tkhd.body + (buf[tkhd.body] === 1 ? 20 : 12)) : -1;
  const mvex = findPath(buf, moov, ['mvex']);
  const trex = mvex
    ? childBoxes(buf, mvex.body, mvex.end).find(
        (b) => b.type === 'trex' && buf.readUInt32BE(b.body + 4) === trackId,
      )
    : undefined;
  return {
    timescale,
    codec,
    defaultSampleDuration: trex ? buf.readUInt32BE(trex.body + 12) : 0,
    defaultSampleFlags: trex ? buf.readUInt32BE(trex.body + 20) : 0,
  };
}

export interface FragmentInfo {
  /** tfdt baseMediaDecodeTime (track timescale) */
  decodeTime: number;
  /** sum of the samples' durations (track timescale) */
  duration: number;
  sampleCount: number;
  /** the first sample is a sync sample */
  keyframe: boolean;
}

/** A sample's flags say "sync" when sample_is_non_sync_sample (bit 16) is clear. */
export const isSyncSample = (flags: number): boolean => ((flags >>> 16) & 1) === 0;

/** Decode time, duration and first-sample sync flag of a moof's first track fragment. */
export function readFragmentInfo(
  buf: Buffer,
  moof: Box,
  track: TrackInfo,
): FragmentInfo | { malformed: string } {
  const traf = findPath(buf, moof, ['traf']);
  const tfhd = traf && findPath(buf, traf, ['tfhd']);
  if (!traf || !tfhd) return { malformed: 'moof without traf/tfhd' };
  const tfhdFlags = buf.readUInt32BE(tfhd.body) & 0xffffff;
  let at = tfhd.body + 8; // version/flags, track id
  if (tfhdFlags & 0x1) at += 8; // base data offset
  if (tfhdFlags & 0x2) at += 4; // sample description index
  let defaultDuration = track.defaultSampleDuration;
  let defaultFlags = track.defaultSampleFlags;
  if (tfhdFlags & 0x8) {
    defaultDuration = buf.readUInt32BE(at);
    at += 4;
  }
  if (tfhdFlags & 0x10) at += 4; // default sample size
  if (tfhdFlags & 0x20) defaultFlags = buf.readUInt32BE(at);

  const tfdt = findPath(buf, traf, ['tfdt']);
  const decodeTime = !tfdt
    ? 0
    : buf[tfdt.body] === 1
      ? Number(buf.readBigUInt64BE(tfdt.body + 4))
      : buf.readUInt32BE(tfdt.body + 4);

  let duration = 0;
  let sampleCount = 0;
  let firstFlags: number | null = null;
  for (const trun of childBoxes(buf, traf.body, traf.end).filter((b) => b.type === 'trun')) {
    const flags = buf.readUInt32BE(trun.body) & 0xffffff;
    const count = buf.readUInt32BE(trun.body + 4);
    let p = trun.body + 8;
    if (flags & 0x1) p += 4; // data offset
    let firstSampleFlags: number | null = null;
    if (flags & 0x4) {
      firstSampleFlags = buf.readUInt32BE(p);
      p += 4;
    }
    for (let i = 0; i < count; i++) {
      let d = defaultDuration;
      let f = i === 0 && firstSampleFlags !== null ? firstSampleFlags : defaultFlags;
      if (flags & 0x100) {
        d = buf.readUInt32BE(p);
        p += 4;
      }
      if (flags & 0x200) p += 4; // size
      if (flags & 0x400) {
        const perSample = buf.readUInt32BE(p);
        p += 4;
        if (!(i === 0 && firstSampleFlags !== null)) f = perSample;
      }
      if (flags & 0x800) p += 4; // composition time offset
      if (p > trun.end) return { malformed: 'trun shorter than its sample count' };
      duration += d;
      if (firstFlags === null) firstFlags = f;
    }
    sampleCount += count;
  }
  return { decodeTime, duration, sampleCount, keyframe: firstFlags !== null && isSyncSample(firstFlags) };
}
