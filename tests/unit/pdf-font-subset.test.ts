import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StandardSongFont } from '../../src/oversight/reports/pdf-font/cid-fonts.ts';
import { REPORT_FONT, reportFont } from '../../src/oversight/reports/pdf-font/report-font.ts';
import { loadFace, readAt } from '../../src/oversight/reports/pdf-font/sfnt-face.ts';
import { componentOffsets, subsetTrueType } from '../../src/oversight/reports/pdf-font/truetype-subset.ts';

// The subsetter against Debian's fonts-arphic-uming (scripts/setup.sh installs it): its 'i' is a
// composite of a dotless i and a dot above, the CJK glyphs are simple outlines.
const face = loadFace(REPORT_FONT.path, REPORT_FONT.face);
const outline = (f: typeof face, gid: number) => {
  const fd = openSync(f.path, 'r');
  try {
    const r = f.glyphRange(gid);
    return readAt(fd, r.offset, r.length);
  } finally {
    closeSync(fd);
  }
};
const cp = (ch: string) => ch.codePointAt(0)!;
/** the whole-file checksum every TrueType font's head.checkSumAdjustment makes come out */
const fileSum = (b: Buffer) => {
  let s = 0;
  for (let i = 0; i < b.length; i += 4) s = (s + b.readUInt32BE(i)) >>> 0;
  return s;
};

describe('reading a TrueType collection', () => {
  it('picks the named face of the .ttc and maps characters through its cmap', () => {
    expect(face.faceIndex).toBe(0);
    expect(face.postscriptName).toBe('UMingCN');
    expect(face.unitsPerEm).toBe(1024);
    const tw = loadFace(REPORT_FONT.path, 'AR PL UMing TW');
    expect(tw.faceIndex).toBe(2);
    // half an em for ASCII, a full em for Chinese: the widths the form layout measures with
    expect(face.metrics(face.glyphOf(cp('A'))).advance).toBe(512);
    expect(face.metrics(face.glyphOf(cp('隐'))).advance).toBe(1024);
    expect(face.glyphOf(cp('隐'))).not.toBe(face.glyphOf(cp('患')));
    expect(face.glyphOf(0xe000)).toBe(0); // private use: not in the font, .notdef
  });

  it('refuses what it cannot embed with a coded error', () => {
    expect(() => loadFace('/nonexistent/font.ttc')).toThrow(
      expect.objectContaining({ code: 'JH_ERR_REPORTFONT_MISSING' }),
    );
    expect(() => loadFace(REPORT_FONT.path, 'No Such Face')).toThrow(
      expect.objectContaining({ code: 'JH_ERR_REPORTFONT_UNUSABLE' }),
    );
    const notFont = join(mkdtempSync(join(tmpdir(), 'font-')), 'x.ttf');
    writeFileSync(notFont, Buffer.from('this is not a font at all'));
    expect(() => loadFace(notFont)).toThrow(expect.objectContaining({ code: 'JH_ERR_REPORTFONT_UNUSABLE' }));
  });
});

describe('subsetting', () => {
  const i = face.glyphOf(cp('i'));
  const zhong = face.glyphOf(cp('重'));
  const parts = componentOffsets(outline(face, i)).map((at) => outline(face, i).readUInt16BE(at));

  it('keeps .notdef, the glyphs asked for in order, then the components of composite ones', () => {
    expect(parts).toHaveLength(2); // dotless i + combining dot above
    const s = subsetTrueType(face, [zhong, i, zhong]);
    expect(s.oldGids).toEqual([0, zhong, i, ...parts]);
    expect(s.newGid.get(i)).toBe(2);
  });

  it('writes a font that reads back: glyph count, outlines, renumbered components, metrics, checksum', () => {
    const s = subsetTrueType(face, [zhong, i]);
    expect(s.font.length).toBeLessThan(10_000);
    expect(fileSum(s.font)).toBe(0xb1b0afba);
    const path = join(mkdtempSync(join(tmpdir(), 'font-')), 'subset.ttf');
    writeFileSync(path, s.font);
    const sub = loadFace(path, undefined, true);
    expect(sub.numGlyphs).toBe(5);
    expect(outline(sub, 1)).toEqual(outline(face, zhong)); // a simple glyph: its bytes as they were
    const composite = outline(sub, 2);
    expect(componentOffsets(composite).map((at) => composite.readUInt16BE(at))).toEqual([3, 4]);
    expect(outline(sub, 3)).toEqual(outline(face, parts[0]!));
    expect(sub.metrics(1)).toEqual(face.metrics(zhong));
    expect(sub.metrics(2)).toEqual(face.metrics(i));
    expect(sub.metrics(4)).toEqual(face.metrics(parts[1]!));
  });

  it('finds component ids however the arguments and the transform are written', () => {
    // two components: word arguments + a 2x2 transform, then byte arguments + one scale
    const g = Buffer.alloc(10 + 4 + 4 + 8 + 4 + 2 + 2);
    g.writeInt16BE(-1, 0);
    g.writeUInt16BE(0x0001 | 0x0020 | 0x0080, 10);
    g.writeUInt16BE(77, 12);
    g.writeUInt16BE(0x0008, 26);
    g.writeUInt16BE(88, 28);
    expect(componentOffsets(g).map((at) => g.readUInt16BE(at))).toEqual([77, 88]);
    expect(componentOffsets(outline(face, zhong))).toEqual([]);
  });
});

describe('the report font', () => {
  it('falls back to the non-embedded STSong-Light with one warning naming the code', () => {
    const warnings: Record<string, unknown>[] = [];
    const source = { path: '/nonexistent/uming.ttc', face: 'AR PL UMing CN' };
    expect(reportFont(source, (_m, d) => warnings.push(d))).toBeInstanceOf(StandardSongFont);
    expect(reportFont(source, (_m, d) => warnings.push(d))).toBeInstanceOf(StandardSongFont);
    expect(warnings).toEqual([{ code: 'JH_ERR_REPORTFONT_MISSING', path: source.path }]);
    expect(reportFont().embedded).toBe(true);
  });
});
