import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Fmp4Splitter, type SplitOutput } from '../../src/video/relay/fmp4-splitter.ts';
import { GopCache } from '../../src/video/relay/gop-cache.ts';
import { isSyncSample } from '../../src/video/relay/mp4-boxes.ts';
import type { Fmp4Fragment } from '../../src/video/relay/types.ts';

// Real fragmented MP4 written by ffmpeg with the relay's own movflags (tests/fixtures/fmp4/README.md).
const H264 = readFileSync('tests/fixtures/fmp4/h264-gop1s.mp4');
const H265 = readFileSync('tests/fixtures/fmp4/h265.mp4');

function splitAll(file: Buffer, chunkSizes: () => number): SplitOutput[] {
  const s = new Fmp4Splitter();
  const out: SplitOutput[] = [];
  for (let at = 0; at < file.length;) {
    const n = chunkSizes();
    out.push(...s.push(file.subarray(at, at + n)));
    at += n;
  }
  expect(s.buffered, 'only the trailing mfra index is left unconsumed').toBe(0);
  return out;
}

const fragments = (out: SplitOutput[]) =>
  out.filter((o): o is Extract<SplitOutput, { kind: 'fragment' }> => o.kind === 'fragment');

describe('Fmp4Splitter', () => {
  it('splits ffmpeg output into the init (ftyp+moov) and moof+mdat fragments, with codec, times and keyframes', () => {
    const out = splitAll(H264, () => H264.length);
    expect(out[0]).toMatchObject({ kind: 'init', codec: 'avc1.64000A', timescale: 12800 });
    const init = out[0]!.data;
    expect(init.toString('latin1', 4, 8)).toBe('ftyp');
    expect(init.toString('latin1', init.readUInt32BE(0) + 4, init.readUInt32BE(0) + 8)).toBe('moov');
    const frags = fragments(out);
    expect(frags).toHaveLength(10);
    for (const f of frags) {
      expect(f.data.toString('latin1', 4, 8)).toBe('moof');
      expect(f.data.toString('latin1', f.data.readUInt32BE(0) + 4, f.data.readUInt32BE(0) + 8)).toBe('mdat');
      expect(f.duration).toBe(2560); // 5 frames of 1/25 s at 12800/s
    }
    // ffprobe: keyframes at 0 s and 1 s, i.e. the 1st and the 6th fragment
    expect(frags.map((f) => f.keyframe)).toEqual([
      true,
      false,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(frags.map((f) => f.decodeTime)).toEqual(frags.map((_, i) => i * 2560));
    // the pieces are the file, byte for byte (nothing dropped or reordered), but the mfra index
    const joined = Buffer.concat(out.map((o) => o.data));
    expect(H264.subarray(0, joined.length).equals(joined)).toBe(true);
    expect(H264.toString('latin1', joined.length + 4, joined.length + 8)).toBe('mfra');
  });

  it('gives the same pieces whatever the chunking (boxes cut anywhere, one byte at a time)', () => {
    const whole = splitAll(H264, () => H264.length).map((o) => o.data.toString('hex'));
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 700) + 1;
    expect(splitAll(H264, random).map((o) => o.data.toString('hex'))).toEqual(whole);
    expect(splitAll(H264, () => 1).map((o) => o.data.toString('hex'))).toEqual(whole);
  });

  it('reads the H.265 codec string from hvcC (Main profile, general_level_idc 30 = level 1, as ffprobe and x265 say)', () => {
    const out = splitAll(H265, () => 1000);
    expect(out[0]).toMatchObject({ kind: 'init', codec: 'hvc1.1.6.L30.90' });
    expect(fragments(out)[0]!.keyframe).toBe(true);
  });

  it('throws on a stream that is not fragmented MP4 instead of buffering it', () => {
    const s = new Fmp4Splitter();
    const bogus = Buffer.alloc(16);
    bogus.writeUInt32BE(4, 0); // a box smaller than its own header
    bogus.write('moof', 4, 'latin1');
    expect(() => s.push(bogus)).toThrow(/fMP4/);
  });

  it('reads the sample flags: sync when sample_is_non_sync_sample is clear', () => {
    expect(isSyncSample(0x02000000)).toBe(true); // depends on no other sample
    expect(isSyncSample(0x01010000)).toBe(false);
  });
});

function frag(keyframe: boolean, bytes = 10, decodeTime = 0): Fmp4Fragment {
  return { data: Buffer.alloc(bytes), keyframe, receivedAt: 0, decodeTime, timescale: 1000, durationMs: 200 };
}

describe('GopCache', () => {
  it('keeps the fragments since the last keyframe and nothing before the first one', () => {
    const c = new GopCache();
    c.setInit(Buffer.from('init'), 'avc1.64001F');
    c.add(frag(false, 10, 0)); // before any keyframe: undecodable, not kept
    expect(c.fromKeyframe()).toHaveLength(0);
    c.add(frag(true, 10, 1));
    c.add(frag(false, 10, 2));
    expect(c.fromKeyframe().map((f) => f.decodeTime)).toEqual([1, 2]);
    c.add(frag(true, 10, 3));
    c.add(frag(false, 10, 4));
    expect(c.fromKeyframe().map((f) => f.decodeTime)).toEqual([3, 4]);
    expect(c.bytes).toBe(20);
  });

  it('drops a GOP that outgrows its budget and waits for the next keyframe', () => {
    const c = new GopCache(25);
    c.setInit(Buffer.from('init'), 'avc1.64001F');
    c.add(frag(true, 10, 1));
    c.add(frag(false, 10, 2));
    c.add(frag(false, 10, 3)); // 30 > 25
    expect(c.fromKeyframe()).toHaveLength(0);
    c.add(frag(false, 10, 4));
    expect(c.fromKeyframe()).toHaveLength(0);
    c.add(frag(true, 10, 5));
    expect(c.fromKeyframe().map((f) => f.decodeTime)).toEqual([5]);
  });

  it('forgets the GOP with a new init, and everything on reset', () => {
    const c = new GopCache();
    c.setInit(Buffer.from('a'), 'avc1.64001F');
    c.add(frag(true));
    c.setInit(Buffer.from('b'), 'avc1.640028');
    expect(c.fromKeyframe()).toHaveLength(0);
    expect(c.init?.codec).toBe('avc1.640028');
    c.reset();
    expect(c.init).toBeNull();
  });
});
