import ExcelJS from 'exceljs';
import { cellText, isDay, isPhoto, type AnnexForm, type FormCell, type FormSection } from './annex-form.ts';
import { pdfImage } from './pdf-images.ts';

/** A date cell as the forms print it: 2026年1月5日 (a real Excel date, not text). */
export const ZH_DATE_FORMAT = 'yyyy"年"m"月"d"日"';
const MONEY_FORMAT = '0.00##';
const PHOTO_W = 160;
const PHOTO_H = 110;

/** One worksheet per section: 附件N, the title, the header lines, the table, the signature lines. */
export async function toAnnexXlsx(f: AnnexForm): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'jianhu 监护';
  const sections = f.sections.length
    ? f.sections
    : [{ sheetName: f.title, headerLines: [], rows: [], footer: [] }];
  for (const s of sections) addSheet(wb, f, s, s === sections.at(-1));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function addSheet(wb: ExcelJS.Workbook, f: AnnexForm, s: FormSection, last: boolean): void {
  const ws = wb.addWorksheet(s.sheetName, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const n = f.headers.length;
  ws.addRow([f.annex]).font = { bold: true };
  ws.addRow([f.title]);
  ws.mergeCells(2, 1, 2, n);
  ws.getRow(2).font = { bold: true, size: 16 };
  ws.getRow(2).alignment = { horizontal: 'center' };
  for (const fields of s.headerLines) {
    const row = ws.addRow([]);
    // spread the fields over the width, each merged across its share of the columns
    fields.forEach((t, k) => {
      const c0 = 1 + Math.floor((k * n) / fields.length);
      const c1 = Math.floor(((k + 1) * n) / fields.length);
      row.getCell(c0).value = t;
      if (c1 > c0) ws.mergeCells(row.number, c0, row.number, c1);
    });
  }
  let headerRow = ws.rowCount + 1;
  if (f.groups) {
    const row = ws.getRow(headerRow);
    let col = 1;
    for (const [label, span] of f.groups) {
      if (label) {
        row.getCell(col).value = label;
        if (span > 1) ws.mergeCells(headerRow, col, headerRow, col + span - 1);
      } else {
        // no group: the column's own header spans both rows
        for (let k = 0; k < span; k++) {
          ws.getCell(headerRow, col + k).value = f.headers[col + k - 1]!;
          ws.mergeCells(headerRow, col + k, headerRow + 1, col + k);
        }
      }
      col += span;
    }
    style(row);
    headerRow++;
  }
  const hr = ws.getRow(headerRow);
  f.headers.forEach((h, i) => {
    if (!hr.getCell(i + 1).isMerged) hr.getCell(i + 1).value = h;
  });
  style(hr);
  for (const r of s.rows) addDataRow(wb, ws, f, r);
  for (const line of s.footer) ws.addRow([line]).height = 24;
  if (last) for (const note of f.notes) ws.addRow([note]).font = { italic: true, size: 9 };
  f.headers.forEach((h, i) => {
    const photo = s.rows.some((r) => isPhoto(r[i] ?? null));
    const longest = Math.max(h.length, ...s.rows.map((r) => cellText(r[i] ?? null).length));
    ws.getColumn(i + 1).width = photo ? PHOTO_W / 7 + 2 : Math.min(40, Math.max(6, Math.ceil(longest * 1.6)));
  });
  ws.views = [{ state: 'frozen', ySplit: headerRow }];
}

function style(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  row.eachCell((c) => (c.border = BORDER));
}

const THIN = { style: 'thin' } as const;
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

function addDataRow(wb: ExcelJS.Workbook, ws: ExcelJS.Worksheet, f: AnnexForm, r: FormCell[]): void {
  const row = ws.addRow(r.map((c) => (isDay(c) ? c.cellDate : isPhoto(c) ? null : c)));
  row.alignment = { wrapText: true, vertical: 'middle' };
  r.forEach((c, i) => {
    const cell = row.getCell(i + 1);
    cell.border = BORDER;
    if (isDay(c)) cell.numFmt = ZH_DATE_FORMAT;
    if (typeof c === 'number' && f.moneyColumns?.includes(i)) cell.numFmt = MONEY_FORMAT;
    if (isPhoto(c)) {
      const size = pdfImage(c.photo.data, c.photo.mime);
      const scale = size ? Math.min(PHOTO_W / size.width, PHOTO_H / size.height) : 1;
      const image = wb.addImage({
        buffer: c.photo.data as unknown as ExcelJS.Buffer,
        extension: c.photo.mime === 'image/png' ? 'png' : 'jpeg',
      });
      ws.addImage(image, {
        tl: { col: i + 0.05, row: row.number - 1 + 0.05 },
        ext: { width: size ? size.width * scale : PHOTO_W, height: size ? size.height * scale : PHOTO_H },
        editAs: 'oneCell',
      });
      row.height = Math.max(row.height ?? 15, (PHOTO_H + 8) * 0.75);
    }
  });
}

/** The form's rows as CSV (UTF-8 with BOM, CRLF): one header row, sections one after another. */
export function toAnnexCsv(f: AnnexForm): Buffer {
  const q = (c: FormCell): string => {
    const s0 = cellText(c);
    const s = typeof c === 'string' && /^[=+\-@]/.test(s0) ? `'${s0}` : s0;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [f.headers.map(q).join(',')];
  for (const s of f.sections) {
    if (f.sections.length > 1) lines.push(q(s.headerLines.flat().join(' ')));
    for (const r of s.rows) lines.push(r.map(q).join(','));
  }
  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}
