import { createHash } from 'node:crypto';
import type { SfntFace } from './sfnt-face.ts';
import { subsetTrueType } from './truetype-subset.ts';

/**
 * The PDF side of the report font. Page text is written as 2-byte UCS-2 codes whatever the font (so
 * content streams read the same either way and a ToUnicode map of code → itself serves both):
 * - EmbeddedTrueTypeFont: a Type0 font, Identity-H (code = CID = the character's UCS-2 value), its
 *   CIDFontType2 descendant carrying a subset of a real TrueType face in FontFile2, a CIDToGIDMap
 *   stream from each CID to the subset's glyph, the face's real advance widths in /W;
 * - StandardSongFont: the fallback, Adobe's STSong-Light by name, not embedded (UniGB-UCS2-H), which
 *   only readers with the Adobe Asian font pack draw as intended.
 */
export interface PdfObjectSink {
  add(body: string): number;
  stream(dict: string, data: Buffer, compress?: boolean): number;
}

export interface PdfFont {
  readonly embedded: boolean;
  /** Notes the codes a page draws with this font (before the document is written). */
  use(codes: readonly number[]): void;
  /** Writes the font's objects; returns the Type0 font dictionary's object number. */
  write(out: PdfObjectSink): number;
}

/** UCS-2 codes of a string; characters outside the BMP, and control characters, become "?". */
export const ucs2Codes = (s: string): number[] =>
  [...s].map((ch) => {
    const cp = ch.codePointAt(0)!;
    return cp > 0xffff || cp < 0x20 ? 0x3f : cp;
  });

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

export class EmbeddedTrueTypeFont implements PdfFont {
  readonly embedded = true;
  private readonly codes = new Set<number>();
  constructor(private readonly face: SfntFace) {}

  use(codes: readonly number[]): void {
    for (const c of codes) this.codes.add(c);
  }

  write(out: PdfObjectSink): number {
    const codes = [...this.codes].sort((a, b) => a - b);
    const gidOf = new Map(codes.map((c) => [c, this.face.glyphOf(c)]));
    const subset = subsetTrueType(this.face, gidOf.values());
    // a subset's name starts with a tag of six capitals, the same for the same glyphs (PDF 32000 §9.6.4)
    const digest = createHash('sha256').update(subset.oldGids.join(',')).digest();
    const tag = [...digest.subarray(0, 6)].map((b) => String.fromCharCode(65 + (b % 26))).join('');
    const name = `${tag}+${this.face.postscriptName}`;
    const scale = 1000 / this.face.unitsPerEm;
    const fu = (v: number) => Math.round(v * scale);

    const fontFile = out.stream(`/Length1 ${subset.font.length}`, subset.font);
    const [x0, y0, x1, y1] = this.face.bbox.map(fu) as [number, number, number, number];
    const descriptor = out.add(
      `<< /Type /FontDescriptor /FontName /${name} /Flags 4 /FontBBox [${x0} ${y0} ${x1} ${y1}] ` +
        `/ItalicAngle 0 /Ascent ${fu(this.face.ascent)} /Descent ${fu(this.face.descent)} ` +
        `/CapHeight ${fu(this.face.ascent)} /StemV 80 /FontFile2 ${fontFile} 0 R >>`,
    );
    // CID (the UCS-2 code) → the subset's glyph id, 2 bytes big-endian per CID up to the highest used
    const map = Buffer.alloc(((codes.at(-1) ?? 0) + 1) * 2);
    for (const c of codes) map.writeUInt16BE(subset.newGid.get(gidOf.get(c)!) ?? 0, c * 2);
    const cidToGid = out.stream('', map);
    const widths = codes.map((c) => `${c} [${fu(this.face.metrics(gidOf.get(c)!).advance)}]`).join(' ');
    const cid = out.add(
      `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /${name} ` +
        '/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> ' +
        `/FontDescriptor ${descriptor} 0 R /DW 1000 /W [${widths}] /CIDToGIDMap ${cidToGid} 0 R >>`,
    );
    const toUnicode = out.stream(
      '',
      toUnicodeCMap(
        codes.map((c) => `<${hex4(c)}> <${hex4(c)}>`),
        'bfchar',
      ),
    );
    return out.add(
      `<< /Type /Font /Subtype /Type0 /BaseFont /${name} /Encoding /Identity-H ` +
        `/DescendantFonts [${cid} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
    );
  }
}

export class StandardSongFont implements PdfFont {
  readonly embedded = false;
  use(): void {}

  write(out: PdfObjectSink): number {
    const descriptor = out.add(
      '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] ' +
        '/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
    );
    const cid = out.add(
      '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light ' +
        '/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> ' +
        // ASCII maps to the proportional (1–95) or the half-width (7716–7810) CIDs: both 500
        `/FontDescriptor ${descriptor} 0 R /DW 1000 /W [1 95 500 7716 7810 500] >>`,
    );
    // codes are UCS-2, so each code maps to itself: 256 ranges of 256
    const ranges = [...Array(256).keys()].map((hi) => {
      const h = hi.toString(16).padStart(2, '0');
      return `<${h}00> <${h}ff> <${h}00>`;
    });
    const toUnicode = out.stream('', toUnicodeCMap(ranges, 'bfrange'));
    return out.add(
      `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H ` +
        `/DescendantFonts [${cid} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
    );
  }
}

/** A ToUnicode CMap (2-byte codes) from bfchar or bfrange lines, at most 100 per block. */
function toUnicodeCMap(lines: string[], kind: 'bfchar' | 'bfrange'): Buffer {
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i += 100) {
    const b = lines.slice(i, i + 100);
    blocks.push(`${b.length} begin${kind}\n${b.join('\n')}\nend${kind}`);
  }
  return Buffer.from(
    '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n' +
      '/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
      '1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n' +
      blocks.join('\n') +
      '\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n',
    'latin1',
  );
}
