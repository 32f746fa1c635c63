import type { PermitAuditReport, PermitAuditRow } from '../audit/permit-audit.ts';
import { KINDS } from '../../work/kinds/index.ts';
import type { Cell, ReportTable } from './table.ts';

const VERDICT_ZH: Record<string, string> = {
  fully_monitored: '全程监控',
  gaps: '存在监控中断',
  work_without_monitoring: '无监控作业',
  no_work: '未实际作业',
};
const SHANGHAI_MS = 8 * 3_600_000;
const p2 = (n: number) => String(n).padStart(2, '0');
/**
 * A time as `toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })` writes it
 * (2026/1/2 00:05:00), by arithmetic: China has kept UTC+8 without summer time since 1991, and Intl
 * costs ~0.3 ms a call, which was most of a campaign's export (a few calls per permit).
 */
const local = (iso: string) => {
  const d = new Date(Date.parse(iso) + SHANGHAI_MS);
  return `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
};

export const PERMIT_AUDIT_HEADERS = [
  '作业票编号',
  '企业',
  '作业类型',
  '绑定摄像头',
  '作业时段',
  '作业时长(分钟)',
  '有监控时长(分钟)',
  '监控覆盖率(%)',
  '最长中断(秒)',
  '监控中断明细',
  '结论',
  '违章数',
  '违章明细',
];

export const permitAuditTitle = (unit: string, from: string, to: string): string =>
  `作业票监控审计 ${unit} ${local(from)} — ${local(to)}`;

/** One permit's row; `enterpriseName` names its enterprise (a region's export lists several). */
export function permitAuditCells(p: PermitAuditRow, enterpriseName: (id: string) => string): Cell[] {
  return [
    p.number,
    enterpriseName(p.enterpriseId),
    KINDS.find(p.kind)?.label.zh ?? p.kind,
    p.cameraIds.join('、'),
    p.windows.map((w) => `${local(w.start)} → ${w.ongoing ? '进行中' : local(w.end)}`).join('\n'),
    Math.round(p.coverage.workMs / 600) / 100,
    Math.round(p.coverage.monitoredMs / 600) / 100,
    p.coverage.coveragePct,
    Math.round(p.coverage.longestGapMs / 1000),
    p.gaps.map((g) => `${local(g.start)} – ${local(g.end)}（${g.causeText}）`).join('\n'),
    VERDICT_ZH[p.coverage.verdict] ?? p.coverage.verdict,
    p.violations.length,
    p.violations
      .map((v) => `${local(v.at)} ${String(v.detail.typeZh ?? v.type)} ${v.cameraId ?? ''}`)
      .join('\n'),
  ];
}

export function permitAuditNotes(sm: PermitAuditReport['summary']): string[] {
  return [
    `合计：作业票 ${sm.permits} 张，监控覆盖率 ${sm.coveragePct}%；全程监控 ${sm.fully_monitored}，存在中断 ${sm.gaps}，无监控作业 ${sm.work_without_monitoring}。`,
    '覆盖率 = 作业时段内摄像头在线（online）的时长 ÷ 作业时长；摄像头无健康记录的时段计为无监控。',
  ];
}

/** The permit-to-video audit as a table: one row per permit, gaps and violations spelled out. */
export function permitAuditTable(
  r: PermitAuditReport,
  unit: string,
  enterpriseName: (id: string) => string = (id) => id,
): ReportTable {
  return {
    title: permitAuditTitle(unit, r.from, r.to),
    sheetName: '作业票监控审计',
    headers: PERMIT_AUDIT_HEADERS,
    rows: r.permits.map((p) => permitAuditCells(p, enterpriseName)),
    notes: permitAuditNotes(r.summary),
  };
}
