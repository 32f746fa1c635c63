/**
 * One annex form of the 2026 泽州 notice as the regulator files it: title, the header line(s) above the
 * table (填报单位 / 填报时间, or 企业名称 / 检查时间), an optional grouping row, the annex's columns,
 * the rows, and the lines under it (signatures, how counts were made). A form may have several
 * sections: 附件5 is one list per enterprise and check day. The XLSX, PDF, CSV and JSON renderers all
 * take this model, so the four outputs cannot drift apart.
 */

/** A calendar day in Asia/Shanghai (the offset in config.permits.night.utcOffsetMinutes). */
export class Day {
  constructor(readonly iso: string) {}
  /** 2026年1月5日, as the forms print it */
  get zh(): string {
    const [y, m, d] = this.iso.split('-').map(Number);
    return `${y}年${m}月${d}日`;
  }
  /** the day as a Date at UTC midnight: what a spreadsheet date cell shows as exactly that day */
  get cellDate(): Date {
    return new Date(`${this.iso}T00:00:00Z`);
  }
  static of(ms: number, utcOffsetMinutes: number): Day {
    return new Day(new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 10));
  }
}

/** An on-site photo (现场证据) embedded in the XLSX and PDF; the JSON and CSV name its download path. */
export interface PhotoCell {
  photo: { data: Buffer; mime: 'image/jpeg' | 'image/png'; href: string };
}

export type FormCell = string | number | null | Day | PhotoCell;

export interface FormSection {
  /** worksheet name (≤ 31 characters, unique within the form) */
  sheetName: string;
  /** header lines above the table, each a row of "label：value" fields printed left to right */
  headerLines: string[][];
  rows: FormCell[][];
  /** lines under the table: signatures (检查人员（签字）：…) */
  footer: string[];
}

export interface AnnexForm {
  /** 附件1 … */
  annex: string;
  /** the form's own title as the annex prints it */
  title: string;
  /** the file name stem, e.g. major-ledger-2026-01-01-2026-04-30 */
  fileStem: string;
  /** grouping row above the headers: [label, span] */
  groups?: [string, number][];
  headers: string[];
  /** which columns hold money in 万元 (shown with two decimals) */
  moneyColumns?: number[];
  sections: FormSection[];
  /** how the numbers were counted, printed under the last section */
  notes: string[];
}

export const isDay = (c: FormCell): c is Day => c instanceof Day;
export const isPhoto = (c: FormCell): c is PhotoCell => typeof c === 'object' && c !== null && 'photo' in c;

/** A cell as plain text: days as YYYY-MM-DD, photos as their download path. */
export function cellText(c: FormCell): string {
  if (c === null) return '';
  if (isDay(c)) return c.iso;
  if (isPhoto(c)) return c.photo.href;
  return String(c);
}

/** 元 → 万元, kept to the 元 (four decimals), e.g. 25 000 元 → 2.5 */
export const wan = (yuan: number): number => Math.round(yuan) / 10_000;

/** The JSON a form answers with: one page of its rows, cells as text or numbers. */
export interface FormJson {
  annex: string;
  title: string;
  groups?: { label: string; span: number }[];
  headers: string[];
  notes: string[];
  page: number;
  pageSize: number;
  /** rows over all sections */
  total: number;
  sections: {
    sheetName: string;
    headerLines: string[][];
    footer: string[];
    rows: (string | number | null)[][];
  }[];
}

export function formJson(f: AnnexForm, page: number, pageSize: number): FormJson {
  const start = (page - 1) * pageSize;
  let seen = 0;
  const sections: FormJson['sections'] = [];
  for (const s of f.sections) {
    const from = Math.max(0, start - seen);
    const to = Math.max(0, start + pageSize - seen);
    const rows = s.rows.slice(from, to);
    seen += s.rows.length;
    // a section's header and footer travel with any of its rows that fall on this page
    if (rows.length > 0)
      sections.push({
        sheetName: s.sheetName,
        headerLines: s.headerLines,
        footer: s.footer,
        rows: rows.map((r) => r.map((c) => (typeof c === 'number' || c === null ? c : cellText(c)))),
      });
  }
  return {
    annex: f.annex,
    title: f.title,
    ...(f.groups ? { groups: f.groups.map(([label, span]) => ({ label, span })) } : {}),
    headers: f.headers,
    notes: f.notes,
    page,
    pageSize,
    total: seen,
    sections,
  };
}
