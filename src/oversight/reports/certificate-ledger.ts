import type { Certificate, CertificateStatus } from '../../work/certificates/certificate-standing.ts';
import { dayAsUtcDate, lastDay, localDay } from '../../work/certificates/certificate-dates.ts';
import type { FileCell, ReportTable } from './table.ts';

const STATUS_ZH: Record<CertificateStatus, string> = {
  valid: '有效',
  expiring: '将到期',
  expired: '已过期',
  review_overdue: '待复审',
  revoked: '已注销',
};

export interface LedgerInput {
  /** the cards to list (revoked ones are left out: the ledger is of the people who may work) */
  certificates: readonly Certificate[];
  /** the holder's name as the ledger prints it */
  holderName(userId: number): string;
  status(c: Certificate): CertificateStatus;
  enterpriseName: string;
  now: number;
  utcOffsetMinutes: number;
}

/**
 * 特种作业人员台账: one row per card, sorted by holder then category, dates as real date cells showing
 * the day written on the card (有效期至 and 复审日期 are the last days, not the exclusive ends stored).
 */
export function certificateLedgerTable(i: LedgerInput): ReportTable<FileCell> {
  const off = i.utcOffsetMinutes;
  const rows = i.certificates
    .filter((c) => !c.revoked)
    .map((c) => ({ c, name: i.holderName(c.userId) }))
    .sort(
      (a, b) => a.name.localeCompare(b.name, 'zh-CN') || a.c.category.localeCompare(b.c.category, 'zh-CN'),
    );
  return {
    title: `特种作业人员台账 ${i.enterpriseName}（${localDay(i.now, off)}）`,
    sheetName: '特种作业人员台账',
    headers: ['序号', '姓名', '作业类别', '证书编号', '发证日期', '有效期至', '复审日期', '状态'],
    rows: rows.map(({ c, name }, n) => [
      n + 1,
      name,
      c.category,
      c.number,
      dayAsUtcDate(localDay(c.issuedAt, off)),
      dayAsUtcDate(lastDay(c.expiresAt, off)),
      dayAsUtcDate(lastDay(c.reviewDueAt, off)),
      STATUS_ZH[i.status(c)],
    ]),
    notes: [
      '状态：有效；将到期 = 有效期或复审日期在提醒期内；已过期；待复审 = 已过复审日期、尚未登记复审合格（不得作业）。',
      '依据《特种作业人员安全技术培训考核管理规定》：操作证有效期 6 年，每 3 年复审 1 次。',
    ],
  };
}
