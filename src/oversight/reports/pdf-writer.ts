import { deflateSync } from 'node:zlib';
import { ucs2Codes, type PdfFont, type PdfObjectSink } from './pdf-font/cid-fonts.ts';
import { reportFont } from './pdf-font/report-font.ts';
import type { PdfImage } from './pdf-images.ts';

/**
 * A small PDF 1.7 writer: pages of text, lines and images, enough for the annex forms. Text is drawn
 * with one font, by default a subset of a real Chinese TrueType face embedded in the file (see
 * pdf-font/): the glyphs the pages use are collected while they are drawn and the font is written
 * last. A ToUnicode map makes the text searchable and extractable (pdftotext, copy and paste).
 */
export const A4_LANDSCAPE = { width: 842, height: 595 } as const;

/** Width of a character in em: ASCII is half-width (the widths /W gives it below), the rest full. */
export const charEm = (ch: string): number => (/^[\x20-\x7e]$/.test(ch) ? 0.5 : 1);
export const textWidth = (s: string, size: number): number =>
  [...s].reduce((w, ch) => w + charEm(ch), 0) * size;

const num = (n: number) => (Math.round(n * 100) / 100).toString();

export class PdfPage {
  readonly ops: string[] = [];
  readonly images = new Map<string, number>();
  constructor(
    readonly height: number,
    private readonly font: PdfFont,
  ) {}

  /** text with its top at `top` (points from the page's top edge), as 2-byte UCS-2 codes */
  text(x: number, top: number, size: number, s: string): void {
    if (!s) return;
    const codes = ucs2Codes(s);
    this.font.use(codes);
    const hex = codes.map((c) => c.toString(16).padStart(4, '0')).join('');
    this.ops.push(
      `BT /F1 ${num(size)} Tf ${num(x)} ${num(this.height - top - size * 0.88)} Td <${hex}> Tj ET`,
    );
  }

  line(x1: number, top1: number, x2: number, top2: number, width = 0.5): void {
    this.ops.push(
      `${num(width)} w ${num(x1)} ${num(this.height - top1)} m ${num(x2)} ${num(this.height - top2)} l S`,
    );
  }

  rect(x: number, top: number, w: number, h: number): void {
    this.ops.push(`0.5 w ${num(x)} ${num(this.height - top - h)} ${num(w)} ${num(h)} re S`);
  }

  image(ref: { name: string; obj: number }, x: number, top: number, w: number, h: number): void {
    this.images.set(ref.name, ref.obj);
    this.ops.push(`q ${num(w)} 0 0 ${num(h)} ${num(x)} ${num(this.height - top - h)} cm /${ref.name} Do Q`);
  }
}

export class PdfDoc implements PdfObjectSink {
  private readonly objects: Buffer[] = [];
  private readonly pages: PdfPage[] = [];

  constructor(
    private readonly size: { width: number; height: number } = A4_LANDSCAPE,
    private readonly font: PdfFont = reportFont(),
  ) {
    this.reserve(); // 1: catalog
    this.reserve(); // 2: page tree
  }

  get width() {
    return this.size.width;
  }
  get height() {
    return this.size.height;
  }

  newPage(): PdfPage {
    const p = new PdfPage(this.size.height, this.font);
    this.pages.push(p);
    return p;
  }

  /** Adds an image XObject once; draw it on any page with page.image(ref, …). */
  addImage(img: PdfImage): { name: string; obj: number } {
    const smask = img.alpha
      ? this.stream(
          `/Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`,
          img.alpha,
          false,
        )
      : null;
    const obj = this.stream(
      `/Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height} /ColorSpace /${img.colorSpace} ` +
        `/BitsPerComponent 8 /Filter /${img.filter}${smask ? ` /SMask ${smask} 0 R` : ''}` +
        (img.colorSpace === 'DeviceCMYK' && img.filter === 'DCTDecode' ? ' /Decode [1 0 1 0 1 0 1 0]' : ''),
      img.data,
      false,
    );
    return { name: `Im${obj}`, obj };
  }

  toBuffer(): Buffer {
    const fontObj = this.font.write(this);
    const kids: number[] = [];
    for (const p of this.pages) {
      const content = this.stream('', Buffer.from(p.ops.join('\n'), 'latin1'));
      const xobjects = [...p.images].map(([n, o]) => `/${n} ${o} 0 R`).join(' ');
      kids.push(
        this.add(
          `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${this.size.width} ${this.size.height}] ` +
            `/Resources << /Font << /F1 ${fontObj} 0 R >>${xobjects ? ` /XObject << ${xobjects} >>` : ''} >> ` +
            `/Contents ${content} 0 R >>`,
        ),
      );
    }
    this.objects[0] = Buffer.from('<< /Type /Catalog /Pages 2 0 R >>', 'latin1');
    this.objects[1] = Buffer.from(
      `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`,
      'latin1',
    );
    const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    let offset = parts[0]!.length;
    const offsets: number[] = [];
    this.objects.forEach((body, i) => {
      offsets.push(offset);
      const chunk = Buffer.concat([
        Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
        body,
        Buffer.from('\nendobj\n', 'latin1'),
      ]);
      parts.push(chunk);
      offset += chunk.length;
    });
    const xref =
      `xref\n0 ${this.objects.length + 1}\n0000000000 65535 f \n` +
      offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
      `trailer\n<< /Size ${this.objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
    parts.push(Buffer.from(xref, 'latin1'));
    return Buffer.concat(parts);
  }

  private reserve(): number {
    this.objects.push(Buffer.alloc(0));
    return this.objects.length;
  }

  add(body: string): number {
    this.objects.push(Buffer.from(body, 'latin1'));
    return this.objects.length;
  }

  /** A stream object; compressed with Flate unless the data already carries its own filter. */
  stream(dict: string, data: Buffer, compress = true): number {
    const body = compress ? deflateSync(data) : data;
    const head = `<< ${dict}${compress ? ' /Filter /FlateDecode' : ''} /Length ${body.length} >>\nstream\n`;
    this.objects.push(
      Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from('\nendstream', 'latin1')]),
    );
    return this.objects.length;
  }
}
