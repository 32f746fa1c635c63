/**
 * Unicode → glyph id from a font's 'cmap' table: the full-repertoire subtable (format 12, Windows
 * UCS-4 or Unicode full) when there is one, else the BMP one (format 4). Null: no Unicode subtable.
 */
export function cmapLookup(cmap: Buffer): ((codePoint: number) => number) | null {
  const count = cmap.readUInt16BE(2);
  const subtables: { platform: number; encoding: number; offset: number; format: number }[] = [];
  for (let i = 0; i < count; i++) {
    const r = 4 + i * 8;
    const offset = cmap.readUInt32BE(r + 4);
    subtables.push({
      platform: cmap.readUInt16BE(r),
      encoding: cmap.readUInt16BE(r + 2),
      offset,
      format: cmap.readUInt16BE(offset),
    });
  }
  const unicode = (s: (typeof subtables)[number]) =>
    s.platform === 0 || (s.platform === 3 && [1, 10].includes(s.encoding));
  const full = subtables.find((s) => unicode(s) && s.format === 12);
  if (full) return format12(cmap.subarray(full.offset));
  const bmp = subtables.find((s) => unicode(s) && s.format === 4);
  return bmp ? format4(cmap.subarray(bmp.offset)) : null;
}

/** Segmented coverage: groups of (first, last, first glyph), sorted; binary search. */
function format12(t: Buffer): (cp: number) => number {
  const groups = t.readUInt32BE(12);
  return (cp) => {
    let lo = 0;
    let hi = groups - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const g = 16 + mid * 12;
      if (cp < t.readUInt32BE(g)) hi = mid - 1;
      else if (cp > t.readUInt32BE(g + 4)) lo = mid + 1;
      else return t.readUInt32BE(g + 8) + cp - t.readUInt32BE(g);
    }
    return 0;
  };
}

/** Segment mapping to delta values (the BMP): idRangeOffset points into the glyph id array, or 0. */
function format4(t: Buffer): (cp: number) => number {
  const segX2 = t.readUInt16BE(6);
  const ends = 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const ranges = deltas + segX2;
  return (cp) => {
    if (cp > 0xffff) return 0;
    let lo = 0;
    let hi = segX2 / 2 - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t.readUInt16BE(ends + mid * 2) < cp) lo = mid + 1;
      else hi = mid;
    }
    const i = lo * 2;
    const start = t.readUInt16BE(starts + i);
    if (cp < start || cp > t.readUInt16BE(ends + i)) return 0;
    const delta = t.readUInt16BE(deltas + i);
    const range = t.readUInt16BE(ranges + i);
    if (range === 0) return (cp + delta) & 0xffff;
    const glyph = t.readUInt16BE(ranges + i + range + (cp - start) * 2);
    return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
  };
}
