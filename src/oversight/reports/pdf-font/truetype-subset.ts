import { closeSync, openSync } from 'node:fs';
import { readAt, type SfntFace } from './sfnt-face.ts';

/**
 * A TrueType font program holding only some glyphs of a face, for a PDF's FontFile2: .notdef, the
 * glyphs asked for, and every glyph a composite one is built from (recursively), renumbered from 0.
 * Written as PDFKit/fontkit's TTF subsetter does: head, hhea, maxp, hmtx, loca, glyf, post (format 3,
 * no glyph names) and the hinting tables when the face has them; no cmap, since a PDF reaches glyphs
 * through the CIDToGIDMap, not the font's own encoding (PDF 32000 §9.7.4.2).
 */
export interface TrueTypeSubset {
  font: Buffer;
  /** old glyph id → new glyph id, for every glyph in the subset */
  newGid: Map<number, number>;
  /** old glyph id of each new glyph, in order */
  oldGids: number[];
}

// composite glyph flags (OpenType 'glyf' table)
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** The byte offsets of the component glyph ids in a composite glyph's data (none for a simple glyph). */
export function componentOffsets(glyph: Buffer): number[] {
  if (glyph.length < 10 || glyph.readInt16BE(0) >= 0) return [];
  const out: number[] = [];
  let at = 10;
  for (;;) {
    const flags = glyph.readUInt16BE(at);
    out.push(at + 2);
    at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
    if (flags & WE_HAVE_A_SCALE) at += 2;
    else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
    else if (flags & WE_HAVE_A_TWO_BY_TWO) at += 8;
    if (!(flags & MORE_COMPONENTS)) return out;
  }
}

export function subsetTrueType(face: SfntFace, wanted: Iterable<number>): TrueTypeSubset {
  const oldGids = [0];
  const newGid = new Map([[0, 0]]);
  const outlines: Buffer[] = [];
  const fd = openSync(face.path, 'r');
  try {
    // breadth first: the wanted glyphs in order, then the components they pull in
    const add = (gid: number) => {
      if (gid >= face.numGlyphs || newGid.has(gid)) return;
      newGid.set(gid, oldGids.length);
      oldGids.push(gid);
    };
    for (const gid of wanted) add(gid);
    for (let i = 0; i < oldGids.length; i++) {
      const range = face.glyphRange(oldGids[i]!);
      const data = readAt(fd, range.offset, range.length);
      outlines.push(data);
      for (const at of componentOffsets(data)) add(data.readUInt16BE(at));
    }
  } finally {
    closeSync(fd);
  }
  // the components now have their new numbers: rewrite them in copies of the composite glyphs
  const glyphs = outlines.map((data) => {
    const offsets = componentOffsets(data);
    if (!offsets.length) return data;
    const copy = Buffer.from(data);
    for (const at of offsets) copy.writeUInt16BE(newGid.get(data.readUInt16BE(at))!, at);
    return copy;
  });
  return { font: writeFont(face, oldGids, glyphs), newGid, oldGids };
}

const pad4 = (b: Buffer) => (b.length % 4 ? Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]) : b);

function writeFont(face: SfntFace, oldGids: number[], glyphs: Buffer[]): Buffer {
  const n = oldGids.length;
  const padded = glyphs.map(pad4);
  const loca = Buffer.alloc((n + 1) * 4);
  let offset = 0;
  padded.forEach((g, i) => {
    loca.writeUInt32BE(offset, i * 4);
    offset += g.length;
  });
  loca.writeUInt32BE(offset, n * 4);
  const hmtx = Buffer.alloc(n * 4);
  oldGids.forEach((gid, i) => {
    const m = face.metrics(gid);
    hmtx.writeUInt16BE(m.advance, i * 4);
    hmtx.writeInt16BE(m.lsb, i * 4 + 2);
  });
  const head = Buffer.from(face.raw.get('head')!);
  head.writeUInt32BE(0, 8); // checkSumAdjustment, set below
  head.writeInt16BE(1, 50); // long loca offsets
  const hhea = Buffer.from(face.raw.get('hhea')!);
  hhea.writeUInt16BE(n, 34); // one full metric per glyph
  const maxp = Buffer.from(face.raw.get('maxp')!);
  maxp.writeUInt16BE(n, 4);
  const tables = new Map<string, Buffer>([
    ['head', head],
    ['hhea', hhea],
    ['maxp', maxp],
    ['hmtx', hmtx],
    ['loca', loca],
    ['glyf', Buffer.concat(padded)],
  ]);
  const post = face.raw.get('post');
  if (post && post.length >= 32) {
    const p3 = Buffer.from(post.subarray(0, 32));
    p3.writeUInt32BE(0x00030000, 0);
    tables.set('post', p3);
  }
  for (const tag of ['cvt ', 'fpgm', 'prep']) if (face.raw.has(tag)) tables.set(tag, face.raw.get(tag)!);
  return sfnt(tables);
}

function checksum(b: Buffer): number {
  const p = pad4(b);
  let sum = 0;
  for (let i = 0; i < p.length; i += 4) sum = (sum + p.readUInt32BE(i)) >>> 0;
  return sum;
}

/** The sfnt container: offset table, table records sorted by tag, tables 4-byte aligned, checksums. */
function sfnt(tables: Map<string, Buffer>): Buffer {
  const tags = [...tables.keys()].sort();
  const count = tags.length;
  const pow = 2 ** Math.floor(Math.log2(count));
  const header = Buffer.alloc(12 + count * 16);
  header.writeUInt32BE(0x00010000, 0);
  header.writeUInt16BE(count, 4);
  header.writeUInt16BE(pow * 16, 6);
  header.writeUInt16BE(Math.log2(pow), 8);
  header.writeUInt16BE(count * 16 - pow * 16, 10);
  let offset = header.length;
  const bodies: Buffer[] = [];
  tags.forEach((tag, i) => {
    const body = tables.get(tag)!;
    const r = 12 + i * 16;
    header.write(tag, r, 'latin1');
    header.writeUInt32BE(checksum(body), r + 4);
    header.writeUInt32BE(offset, r + 8);
    header.writeUInt32BE(body.length, r + 12);
    bodies.push(pad4(body));
    offset += pad4(body).length;
  });
  const font = Buffer.concat([header, ...bodies]);
  const headAt = header.readUInt32BE(12 + tags.indexOf('head') * 16 + 8);
  font.writeUInt32BE((0xb1b0afba - checksum(font)) >>> 0, headAt + 8);
  return font;
}
