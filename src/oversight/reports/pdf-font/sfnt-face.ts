import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { defineError } from '../../../platform/shared/errors.ts';
import { cmapLookup } from './cmap.ts';

/**
 * One face of a TrueType font file (.ttf, or one face of a .ttc collection), read the way the PDF
 * writer needs it: the metrics tables in memory, the glyph outlines left in the file and read per
 * glyph when a subset is written (a CJK font is tens of MB; a form uses a few hundred glyphs).
 * OpenType/CFF fonts (outlines in a 'CFF ' table, e.g. Noto CJK) are refused: the subsetter only
 * knows 'glyf' outlines.
 */
export const FontErrors = {
  missing: defineError(
    'JH_ERR_REPORTFONT_MISSING',
    500,
    '报表字体文件不存在，请安装字体包（见 scripts/setup.sh）',
    'The report font file does not exist; install the font package (see scripts/setup.sh)',
  ),
  unusable: defineError(
    'JH_ERR_REPORTFONT_UNUSABLE',
    500,
    '报表字体文件无法使用（不是含 glyf 轮廓的 TrueType 字体，或找不到指定字形）',
    'The report font file cannot be used (not a TrueType font with glyf outlines, or the face is not in it)',
  ),
};

export interface TableRef {
  offset: number;
  length: number;
}

export interface SfntFace {
  readonly path: string;
  readonly faceIndex: number;
  /** nameID 6, the PostScript name (a PDF name: no spaces) */
  readonly postscriptName: string;
  readonly unitsPerEm: number;
  readonly numGlyphs: number;
  /** head, hhea, maxp, post, cvt, fpgm, prep as they are in the file */
  readonly raw: ReadonlyMap<string, Buffer>;
  readonly glyf: TableRef;
  readonly bbox: [number, number, number, number];
  readonly ascent: number;
  readonly descent: number;
  glyphOf(codePoint: number): number;
  /** advance width and left side bearing, in font units */
  metrics(gid: number): { advance: number; lsb: number };
  /** where glyph `gid`'s outline lies in the file (length 0: an empty glyph, e.g. the space) */
  glyphRange(gid: number): TableRef;
}

/** Reads `length` bytes at `offset` of an open file. */
export function readAt(fd: number, offset: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, b, done, length - done, offset + done);
    if (n === 0) break;
    done += n;
  }
  return b.subarray(0, done);
}

const tagOf = (b: Buffer, at: number) => b.toString('latin1', at, at + 4);

function tableDirectory(fd: number, at: number): Map<string, TableRef> {
  const head = readAt(fd, at, 12);
  const version = head.readUInt32BE(0);
  if (version !== 0x00010000 && tagOf(head, 0) !== 'true')
    throw FontErrors.unusable({ reason: 'not TrueType' });
  const count = head.readUInt16BE(4);
  const dir = readAt(fd, at + 12, count * 16);
  const tables = new Map<string, TableRef>();
  for (let i = 0; i < count; i++)
    tables.set(tagOf(dir, i * 16), {
      offset: dir.readUInt32BE(i * 16 + 8),
      length: dir.readUInt32BE(i * 16 + 12),
    });
  return tables;
}

/** Names 1 (family), 4 (full) and 6 (PostScript) of a face, from Windows (UTF-16) or Mac (Roman) records. */
function names(name: Buffer): Map<number, string> {
  const out = new Map<number, string>();
  const count = name.readUInt16BE(2);
  const strings = name.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const r = 6 + i * 12;
    const [platform, , , id, len, off] = [0, 2, 4, 6, 8, 10].map((k) => name.readUInt16BE(r + k)) as number[];
    if (out.has(id!) || ![1, 4, 6].includes(id!)) continue;
    const bytes = name.subarray(strings + off!, strings + off! + len!);
    if (platform === 3 || platform === 0) out.set(id!, Buffer.from(bytes).swap16().toString('utf16le'));
    else if (platform === 1) out.set(id!, bytes.toString('latin1'));
  }
  return out;
}

const faces = new Map<string, SfntFace>();

/**
 * The face of `path` whose family or full name is `face` (or the first face when none is named), read
 * once per process. Throws FontErrors.missing or FontErrors.unusable. `withoutCmap` reads a font that
 * has no character map (a subset written for a PDF), whose glyphOf is then always .notdef.
 */
export function loadFace(path: string, face?: string, withoutCmap = false): SfntFace {
  const key = `${path}\u0000${face ?? ''}\u0000${withoutCmap}`;
  const cached = faces.get(key);
  if (cached) return cached;
  if (!existsSync(path)) throw FontErrors.missing({ path });
  const fd = openSync(path, 'r');
  try {
    const start = readAt(fd, 0, 12);
    const offsets =
      tagOf(start, 0) === 'ttcf'
        ? [...Array(start.readUInt32BE(8)).keys()].map((i) => readAt(fd, 12 + i * 4, 4).readUInt32BE(0))
        : [0];
    for (const [faceIndex, at] of offsets.entries()) {
      const tables = tableDirectory(fd, at);
      const nameRef = tables.get('name');
      const n = nameRef ? names(readAt(fd, nameRef.offset, nameRef.length)) : new Map<number, string>();
      if (face !== undefined && n.get(1) !== face && n.get(4) !== face) continue;
      const loaded = readFace(fd, path, faceIndex, tables, n, withoutCmap);
      faces.set(key, loaded);
      return loaded;
    }
    throw FontErrors.unusable({ path, face, reason: 'no such face' });
  } finally {
    closeSync(fd);
  }
}

function readFace(
  fd: number,
  path: string,
  faceIndex: number,
  tables: Map<string, TableRef>,
  n: Map<number, string>,
  withoutCmap: boolean,
): SfntFace {
  const need = ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf', ...(withoutCmap ? [] : ['cmap'])];
  const lacking = need.filter((t) => !tables.has(t));
  if (lacking.length) throw FontErrors.unusable({ path, lacking, cff: tables.has('CFF ') });
  const read = (tag: string) => readAt(fd, tables.get(tag)!.offset, tables.get(tag)!.length);
  const raw = new Map<string, Buffer>();
  for (const tag of ['head', 'hhea', 'maxp', 'post', 'cvt ', 'fpgm', 'prep'])
    if (tables.has(tag)) raw.set(tag, read(tag));
  const head = raw.get('head')!;
  const hhea = raw.get('hhea')!;
  const hmtx = read('hmtx');
  const loca = read('loca');

  const glyf = tables.get('glyf')!;
  const longLoca = head.readInt16BE(50) === 1;
  const numGlyphs = raw.get('maxp')!.readUInt16BE(4);
  const hMetrics = hhea.readUInt16BE(34);
  const lookup = withoutCmap ? () => 0 : cmapLookup(read('cmap'));
  if (!lookup) throw FontErrors.unusable({ path, reason: 'no Unicode cmap' });
  const at = (gid: number) => (longLoca ? loca.readUInt32BE(gid * 4) : loca.readUInt16BE(gid * 2) * 2);
  const postscriptName = (n.get(6) ?? n.get(4) ?? 'Font').replace(/[^A-Za-z0-9-]/g, '');
  return {
    path,
    faceIndex,
    postscriptName,
    unitsPerEm: head.readUInt16BE(18),
    numGlyphs,
    raw,
    glyf,
    bbox: [head.readInt16BE(36), head.readInt16BE(38), head.readInt16BE(40), head.readInt16BE(42)],
    ascent: hhea.readInt16BE(4),
    descent: hhea.readInt16BE(6),
    glyphOf: (cp) => {
      const gid = lookup(cp);
      return gid < numGlyphs ? gid : 0;
    },
    metrics: (gid) => ({
      advance: hmtx.readUInt16BE(Math.min(gid, hMetrics - 1) * 4),
      lsb:
        gid < hMetrics
          ? hmtx.readInt16BE(gid * 4 + 2)
          : hmtx.readInt16BE(hMetrics * 4 + (gid - hMetrics) * 2),
    }),
    glyphRange: (gid) => {
      if (gid < 0 || gid >= numGlyphs) return { offset: glyf.offset, length: 0 };
      const from = at(gid);
      return { offset: glyf.offset + from, length: Math.max(0, at(gid + 1) - from) };
    },
  };
}
