import { PassThrough, Readable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import type { PermitAuditReport, PermitAuditRow } from '../audit/permit-audit.ts';
import {
  PERMIT_AUDIT_HEADERS,
  permitAuditCells,
  permitAuditNotes,
  permitAuditTitle,
} from './permit-audit-table.ts';
import type { Cell } from './table.ts';

/** What an export of the permit audit reads: the summary first, then the rows one at a time. */
export interface PermitAuditRows {
  from: string;
  to: string;
  summary: PermitAuditReport['summary'];
  rows: () => Iterable<PermitAuditRow>;
}

/** a row's events are read from SQLite synchronously: give the event loop a turn every so many rows */
const ROWS_PER_TURN = 50;
/** fixed widths: a streamed sheet writes its columns before it has seen the rows */
const WIDTHS = [16, 12, 10, 18, 40, 10, 10, 10, 10, 60, 12, 8, 50];

async function* cells(src: PermitAuditRows, name: (id: string) => string): AsyncGenerator<Cell[]> {
  let n = 0;
  for (const row of src.rows()) {
    yield permitAuditCells(row, name);
    if (++n % ROWS_PER_TURN === 0) await yieldToLoop();
  }
}

/**
 * The permit audit of a whole range (a region's campaign of months) as XLSX, written while it is read
 * (exceljs' streaming writer: each row is committed and let go), so the file never sits in memory whole
 * and no permit's events outlive its row.
 */
export function permitAuditXlsx(src: PermitAuditRows, unit: string, name: (id: string) => string): Readable {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'jianhu 监护';
  const ws = wb.addWorksheet('作业票监控审计', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = WIDTHS.map((width) => ({ width }));
  const write = async () => {
    const title = ws.addRow([permitAuditTitle(unit, src.from, src.to)]);
    title.font = { bold: true, size: 14 };
    ws.mergeCells(1, 1, 1, PERMIT_AUDIT_HEADERS.length);
    title.commit();
    const header = ws.addRow(PERMIT_AUDIT_HEADERS);
    header.font = { bold: true };
    header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
    header.commit();
    for await (const r of cells(src, name)) {
      const row = ws.addRow(r.map((c) => c ?? ''));
      row.alignment = { wrapText: true, vertical: 'top' };
      row.commit();
    }
    for (const note of permitAuditNotes(src.summary)) {
      const row = ws.addRow([note]);
      row.font = { italic: true, size: 9 };
      row.commit();
    }
    ws.commit();
    await wb.commit();
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}

/** Quotes per RFC 4180; text starting with = + - @ gets a leading ' so Excel does not run it. */
const csvCell = (c: Cell): string => {
  if (c === null) return '';
  const s = typeof c === 'string' && /^[=+\-@]/.test(c) ? `'${c}` : String(c);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The same as CSV (UTF-8 with BOM so Excel shows Chinese, CRLF), a line per row as it is built. */
export function permitAuditCsv(src: PermitAuditRows, name: (id: string) => string): Readable {
  const line = (r: Cell[]) => r.map(csvCell).join(',') + '\r\n';
  return Readable.from(
    (async function* () {
      yield '\uFEFF' + line(PERMIT_AUDIT_HEADERS);
      for await (const r of cells(src, name)) yield line(r);
    })(),
    { objectMode: false },
  );
}
