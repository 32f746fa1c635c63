import { deflateSync, inflateSync } from 'node:zlib';

/** An image ready for a PDF XObject: its stream, filter and colour space, and a soft mask for alpha. */
export interface PdfImage {
  width: number;
  height: number;
  colorSpace: 'DeviceRGB' | 'DeviceGray' | 'DeviceCMYK';
  filter: 'DCTDecode' | 'FlateDecode';
  data: Buffer;
  /** 8-bit alpha, Flate-compressed */
  alpha?: Buffer;
}

/** Reads a JPEG's size and components from its SOF marker; the bytes go into the PDF unchanged. */
function jpeg(b: Buffer): PdfImage | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    const len = b.readUInt16BE(i + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      const comps = b[i + 9]!;
      const colorSpace = comps === 1 ? 'DeviceGray' : comps === 4 ? 'DeviceCMYK' : 'DeviceRGB';
      return {
        height: b.readUInt16BE(i + 5),
        width: b.readUInt16BE(i + 7),
        colorSpace,
        filter: 'DCTDecode',
        data: b,
      };
    }
    i += 2 + len;
  }
  return null;
}

const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/**
 * Decodes an 8-bit, non-interlaced PNG (grey, RGB, palette, with or without alpha) to raw samples,
 * then splits colour and alpha: PDF takes alpha only as a separate soft mask. Other PNGs → null.
 */
function png(b: Buffer): PdfImage | null {
  let i = 8;
  let width = 0,
    height = 0,
    depth = 0,
    type = 0,
    interlace = 0;
  let palette: Buffer | null = null;
  let trns: Buffer | null = null;
  const idat: Buffer[] = [];
  while (i + 8 <= b.length) {
    const len = b.readUInt32BE(i);
    const kind = b.toString('latin1', i + 4, i + 8);
    const body = b.subarray(i + 8, i + 8 + len);
    if (kind === 'IHDR') {
      [width, height, depth, type, interlace] = [
        body.readUInt32BE(0),
        body.readUInt32BE(4),
        body[8]!,
        body[9]!,
        body[12]!,
      ];
    } else if (kind === 'PLTE') palette = body;
    else if (kind === 'tRNS') trns = body;
    else if (kind === 'IDAT') idat.push(body);
    else if (kind === 'IEND') break;
    i += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[type];
  if (depth !== 8 || interlace !== 0 || !channels || width === 0 || (type === 3 && !palette)) return null;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = px.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? px.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels]! : 0;
      const c = x >= channels ? up[x - channels]! : 0;
      const pred = [0, a, up[x]!, (a + up[x]!) >> 1, paeth(a, up[x]!, c)][filter] ?? 0;
      out[x] = (src[x]! + pred) & 0xff;
    }
  }
  const n = width * height;
  const gray = type === 0 || type === 4;
  const color = Buffer.alloc(n * (gray ? 1 : 3));
  const alpha = Buffer.alloc(n, 255);
  let hasAlpha = false;
  for (let p = 0; p < n; p++) {
    if (type === 3) {
      const k = px[p]!;
      palette!.copy(color, p * 3, k * 3, k * 3 + 3);
      if (trns && k < trns.length) alpha[p] = trns[k]!;
    } else if (gray) {
      color[p] = px[p * channels]!;
      if (type === 4) alpha[p] = px[p * 2 + 1]!;
    } else {
      px.copy(color, p * 3, p * channels, p * channels + 3);
      if (type === 6) alpha[p] = px[p * 4 + 3]!;
    }
    if (alpha[p] !== 255) hasAlpha = true;
  }
  return {
    width,
    height,
    colorSpace: gray ? 'DeviceGray' : 'DeviceRGB',
    filter: 'FlateDecode',
    data: deflateSync(color),
    ...(hasAlpha ? { alpha: deflateSync(alpha) } : {}),
  };
}

/** A stored hazard photo (JPEG or PNG, as photos.ts accepts them) for the PDF; null when it cannot be read. */
export function pdfImage(data: Buffer, mime: 'image/jpeg' | 'image/png'): PdfImage | null {
  try {
    return mime === 'image/jpeg' ? jpeg(data) : png(data);
  } catch {
    return null;
  }
}
