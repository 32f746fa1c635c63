import { cellText, isDay, isPhoto, type AnnexForm, type FormCell, type FormSection } from './annex-form.ts';
import { pdfImage } from './pdf-images.ts';
import type { PdfFont } from './pdf-font/cid-fonts.ts';
import { reportFont } from './pdf-font/report-font.ts';
import { A4_LANDSCAPE, PdfDoc, textWidth, type PdfPage } from './pdf-writer.ts';

const MARGIN = 36;
const FONT = 9;
const LINE = 12;
const PAD = 3;
const PHOTO_W = 110;
const PHOTO_H = 80;

/** Breaks text into lines that fit `width` (character by character: Chinese has no spaces). */
export function wrap(s: string, width: number, size: number): string[] {
  const lines: string[] = [];
  for (const para of s.split('\n')) {
    let line = '';
    for (const ch of para) {
      if (line && textWidth(line + ch, size) > width) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
    lines.push(line);
  }
  return lines;
}

/** Column widths from the headers and contents, scaled to the page; a photo column gets room for it. */
function columnWidths(f: AnnexForm, sections: FormSection[], total: number): number[] {
  const want = f.headers.map((h, i) => {
    if (sections.some((s) => s.rows.some((r) => isPhoto(r[i] ?? null)))) return PHOTO_W + 2 * PAD;
    const longest = Math.max(
      textWidth(h, FONT) / 2,
      ...sections.flatMap((s) => s.rows.map((r) => Math.min(textWidth(cellText(r[i] ?? null), FONT), 220))),
    );
    return Math.max(28, longest + 2 * PAD);
  });
  const sum = want.reduce((a, b) => a + b, 0);
  return want.map((w) => (w * total) / sum);
}

/**
 * The annex form as a PDF: A4 landscape, "附件N" and the title on each section's first page, the header
 * lines, the table with its header repeated on every page, photos in their cells, then signatures and
 * notes.
 */
export function toPdf(f: AnnexForm, font: PdfFont = reportFont()): Buffer {
  const doc = new PdfDoc(A4_LANDSCAPE, font);
  const sections = f.sections.length
    ? f.sections
    : [{ sheetName: f.title, headerLines: [], rows: [], footer: [] }];
  const tableW = doc.width - 2 * MARGIN;
  const widths = columnWidths(f, sections, tableW);
  const xs = widths.reduce<number[]>((acc, w, i) => [...acc, acc[i]! + w], [MARGIN]);
  const images = new Map<Buffer, { name: string; obj: number } | null>();
  const bottom = doc.height - MARGIN;
  // a grouping row sits above the headers; a column whose group label is empty spans both rows
  const spanned = new Set<number>();
  let col = 0;
  for (const [label, span] of f.groups ?? []) {
    for (let k = 0; k < span; k++) if (!label) spanned.add(col + k);
    col += span;
  }
  const headerLines = f.headers.map((h, i) => wrap(h, widths[i]! - 2 * PAD, FONT));
  const headerH = Math.max(...headerLines.map((l) => l.length)) * LINE + 2 * PAD;
  const groupH = f.groups ? LINE + 2 * PAD : 0;

  const drawHeader = (page: PdfPage, top: number): number => {
    if (f.groups) {
      let c = 0;
      for (const [label, span] of f.groups) {
        if (label) {
          const w = xs[c + span]! - xs[c]!;
          page.rect(xs[c]!, top, w, groupH);
          page.text(xs[c]! + (w - textWidth(label, FONT)) / 2, top + PAD, FONT, label);
        }
        c += span;
      }
    }
    f.headers.forEach((_, i) => {
      const y = spanned.has(i) ? top : top + groupH;
      const h = spanned.has(i) ? groupH + headerH : headerH;
      page.rect(xs[i]!, y, widths[i]!, h);
      headerLines[i]!.forEach((l, k) =>
        page.text(xs[i]! + (widths[i]! - textWidth(l, FONT)) / 2, y + PAD + k * LINE, FONT, l),
      );
    });
    return top + groupH + headerH;
  };

  // a day prints as the forms write it (2026年1月5日), as the XLSX date format shows it
  const cellLines = (c: FormCell, i: number) =>
    isPhoto(c) ? [] : wrap(isDay(c) ? c.zh : cellText(c), widths[i]! - 2 * PAD, FONT);
  const photoRef = (c: FormCell) => {
    if (!isPhoto(c)) return null;
    if (!images.has(c.photo.data)) {
      const img = pdfImage(c.photo.data, c.photo.mime);
      images.set(c.photo.data, img ? { ...doc.addImage(img), ...{ w: img.width, h: img.height } } : null);
    }
    return images.get(c.photo.data) as { name: string; obj: number; w: number; h: number } | null;
  };

  for (const s of sections) {
    let page = doc.newPage();
    page.text(MARGIN, MARGIN, 12, f.annex);
    page.text((doc.width - textWidth(f.title, 18)) / 2, MARGIN + 16, 18, f.title);
    let top = MARGIN + 44;
    for (const fields of s.headerLines) {
      fields.forEach((t, k) => page.text(MARGIN + (k * tableW) / fields.length, top, 10.5, t));
      top += 18;
    }
    top = drawHeader(page, top + 4);
    for (const row of s.rows) {
      const lines = row.map(cellLines);
      const hasPhoto = row.some(isPhoto);
      const h = Math.max(Math.max(...lines.map((l) => l.length)) * LINE, hasPhoto ? PHOTO_H : 0) + 2 * PAD;
      if (top + h > bottom) {
        page = doc.newPage();
        top = drawHeader(page, MARGIN);
      }
      row.forEach((c, i) => {
        page.rect(xs[i]!, top, widths[i]!, h);
        const ref = photoRef(c);
        if (ref) {
          const scale = Math.min(PHOTO_W / ref.w, PHOTO_H / ref.h);
          page.image(ref, xs[i]! + PAD, top + PAD, ref.w * scale, ref.h * scale);
        } else if (isPhoto(c)) page.text(xs[i]! + PAD, top + PAD, FONT, '照片无法嵌入');
        lines[i]!.forEach((l, k) => page.text(xs[i]! + PAD, top + PAD + k * LINE, FONT, l));
      });
      top += h;
    }
    const after = [
      ...s.footer.map((t) => ({ t, size: 10.5 })),
      ...(s === sections.at(-1) ? f.notes : []).map((t) => ({ t, size: 8 })),
    ];
    top += 10;
    for (const { t, size } of after) {
      for (const l of wrap(t, tableW, size)) {
        if (top + size * 1.6 > bottom) {
          page = doc.newPage();
          top = MARGIN;
        }
        page.text(MARGIN, top, size, l);
        top += size * 1.6;
      }
    }
  }
  return doc.toBuffer();
}
