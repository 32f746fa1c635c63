import ExcelJS from 'exceljs';

/**
 * A report as a table, rendered to XLSX (exceljs: real typed cells, Chinese headers, frozen header)
 * or CSV (UTF-8 with BOM so Excel shows Chinese, RFC 4180 quoting, CRLF).
 */
export type Cell = string | number | null;
/** A Date is a calendar day (built at UTC midnight, e.g. dayAsUtcDate): a real date cell, yyyy-mm-dd. */
export type FileCell = Cell | Date;
/** Rows of plain cells by default (the JSON forms); the files also take date cells. */
export interface ReportTable<C extends FileCell = Cell> {
  title: string;
  sheetName: string;
  /** optional grouping row above the headers: [label, span] */
  groups?: [string, number][];
  headers: string[];
  rows: C[][];
  /** notes printed under the table (how numbers were counted) */
  notes?: string[];
}

/** A cell as text: a date as its day (YYYY-MM-DD). */
const cellText = (c: FileCell): string =>
  c instanceof Date ? c.toISOString().slice(0, 10) : String(c ?? '');

export async function toXlsx(t: ReportTable<FileCell>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'jianhu 监护';
  const ws = wb.addWorksheet(t.sheetName);
  const n = t.headers.length;
  ws.addRow([t.title]);
  ws.mergeCells(1, 1, 1, n);
  ws.getRow(1).font = { bold: true, size: 14 };
  ws.getRow(1).alignment = { horizontal: 'center' };
  let headerRow = 2;
  if (t.groups) {
    const row = ws.getRow(2);
    let col = 1;
    for (const [label, span] of t.groups) {
      row.getCell(col).value = label;
      if (span > 1) ws.mergeCells(2, col, 2, col + span - 1);
      col += span;
    }
    row.font = { bold: true };
    row.alignment = { horizontal: 'center' };
    headerRow = 3;
  }
  const hr = ws.getRow(headerRow);
  t.headers.forEach((h, i) => (hr.getCell(i + 1).value = h));
  hr.font = { bold: true };
  hr.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  for (const r of t.rows) {
    const row = ws.addRow(r.map((c) => c ?? ''));
    r.forEach((c, i) => {
      if (c instanceof Date) row.getCell(i + 1).numFmt = 'yyyy-mm-dd';
    });
  }
  for (const note of t.notes ?? []) ws.addRow([note]).font = { italic: true, size: 9 };
  t.headers.forEach((h, i) => {
    const longest = Math.max(h.length, ...t.rows.map((r) => cellText(r[i] ?? null).length));
    ws.getColumn(i + 1).width = Math.min(60, Math.max(8, Math.ceil(longest * 1.6)));
  });
  ws.views = [{ state: 'frozen', ySplit: headerRow }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Quotes per RFC 4180; text starting with = + - @ gets a leading ' so Excel does not run it as a formula. */
const csvCell = (c: FileCell): string => {
  if (c === null) return '';
  const s = typeof c === 'string' && /^[=+\-@]/.test(c) ? `'${c}` : cellText(c);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(t: ReportTable<FileCell>): Buffer {
  const lines = [t.headers, ...t.rows].map((r) => r.map(csvCell).join(','));
  return Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n', 'utf8');
}
