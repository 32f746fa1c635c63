import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Config } from '../../config/schema.ts';
import { EventLogRepo } from '../../oversight/audit/event-log.repo.ts';
import {
  EventLogHealthSource,
  EventLogPermitSource,
  PermitAuditService,
} from '../../oversight/audit/permit-audit.ts';
import { HazardsRepo } from '../../oversight/hazards/hazards.repo.ts';
import type { AnnexForm } from '../../oversight/reports/annex-form.ts';
import { toPdf } from '../../oversight/reports/annex-pdf.ts';
import { toAnnexCsv, toAnnexXlsx } from '../../oversight/reports/annex-xlsx.ts';
import {
  ANNEX_FORM_NAMES,
  ANNEX_FORMS,
  hazardColumnsEnforcement,
  parseFormRange,
  type AnnexFormName,
} from '../../oversight/reports/forms/index.ts';
import { permitAuditTable } from '../../oversight/reports/permit-audit-table.ts';
import { openDb } from '../../platform/store/db.ts';
import { migrate } from '../../platform/store/migrate.ts';
import { systemClock } from '../../platform/shared/clock.ts';
import type { Command } from '../commands.ts';
import { loadCommandConfig, parseCommandArgs } from './command-input.ts';

const FORMS = [...ANNEX_FORM_NAMES, 'permit-audit'] as const;
const USAGE =
  'usage: jianhu report FORM --config FILE --from DATE --to DATE --out FILE [--region ID | --enterprise ID] [--unit NAME]\n' +
  '  writes one of the 泽州 notice annex forms 附件报表, offline from the store of the config\n' +
  '  FORM:\n' +
  ANNEX_FORM_NAMES.map((n) => `    ${n.padEnd(14)} ${ANNEX_FORMS[n].annex} ${ANNEX_FORMS[n].title}\n`).join(
    '',
  ) +
  '    permit-audit   作业票监控审计 (permit-to-video audit)\n' +
  '  --config, -c FILE   the service config (its store and regions) 配置文件\n' +
  '  --from DATE         first day YYYY-MM-DD (Asia/Shanghai) or a date-time 开始日期\n' +
  '  --to DATE           last day YYYY-MM-DD, included, or a date-time (excluded) 结束日期; any length\n' +
  '  --region ID         every enterprise of this region and the regions below it 辖区 (config.regions)\n' +
  '  --enterprise ID     one enterprise 企业 (default: all enterprises of the config)\n' +
  '  --unit NAME         填报单位 as printed (default: the region or enterprise name)\n' +
  '  --out, -o FILE      .xlsx, .pdf or .csv: the type follows the extension 输出文件\n' +
  'exit 0 written; 2 bad usage, bad config, bad range, unknown region or enterprise 参数错误\n';

const fail = (msg: string): number => {
  process.stderr.write(`jianhu report: ${msg}\n${USAGE}`);
  return 2;
};

/** `jianhu report FORM …`: the same forms as GET /api/reports/FORM, written to a file. */
export const reportCommand: Command = {
  summary: 'write an annex form 附件报表 (weekly, major-ledger, cross-check, hazard-list, permit-audit)',
  usage: USAGE,
  async run(args) {
    const parsed = parseCommandArgs('report', USAGE, {
      args,
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        from: { type: 'string' },
        to: { type: 'string' },
        region: { type: 'string' },
        enterprise: { type: 'string' },
        unit: { type: 'string' },
        out: { type: 'string', short: 'o' },
      },
    });
    if (!parsed) return 2;
    const { values, positionals } = parsed;
    const name = positionals[0] as (typeof FORMS)[number] | undefined;
    if (positionals.length !== 1 || !name || !FORMS.includes(name))
      return fail(
        `FORM must be one of ${FORMS.join(', ')} 报表名称无效: ${positionals.join(' ') || '(none)'}`,
      );
    if (!values.config || !values.from || !values.to || !values.out)
      return fail('--config, --from, --to and --out are required 缺少参数');
    const type = extname(values.out).slice(1).toLowerCase();
    if (!['xlsx', 'pdf', 'csv'].includes(type))
      return fail(`--out must end in .xlsx, .pdf or .csv: ${values.out}`);
    if (values.region && values.enterprise) return fail('--region or --enterprise, not both 只能选择一个');
    const config = loadCommandConfig(values.config);
    if ('error' in config) {
      process.stderr.write(config.error);
      return 2;
    }
    const offset = config.permits.night.utcOffsetMinutes;
    const range = parseFormRange(values.from, values.to, offset);
    if (!range) return fail(`bad range 统计时段不合法: ${values.from} .. ${values.to}`);
    const scope = scopeOf(config, values);
    if ('error' in scope) return fail(scope.error);
    const db = openDb(config.store.path);
    try {
      migrate(db);
      const form =
        name === 'permit-audit'
          ? permitAuditForm(db, config, scope, range)
          : buildAnnex(name, db, config, scope, range);
      const body = type === 'csv' ? toAnnexCsv(form) : type === 'pdf' ? toPdf(form) : await toAnnexXlsx(form);
      writeFileSync(values.out, body);
      const rows = form.sections.reduce((n, s) => n + s.rows.length, 0);
      process.stdout.write(`${values.out}: ${form.annex} ${form.title}, ${rows} row(s) 已导出\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};

type Scope = { enterpriseIds: string[]; unit: string };

function scopeOf(
  config: Config,
  v: { region?: string; enterprise?: string; unit?: string },
): Scope | { error: string } {
  if (v.region) {
    const r = config.regions.find((x) => x.id === v.region);
    if (!r) return { error: `no region ${v.region} in the config 无此辖区` };
    // the region and every region nested below it (a 市's forms cover its 县 and 镇)
    const within = new Set([r.id]);
    for (let grew = true; grew;) {
      grew = false;
      for (const x of config.regions)
        if (x.parent && within.has(x.parent) && !within.has(x.id)) grew = within.add(x.id).size > 0;
    }
    const ids = config.enterprises.filter((e) => within.has(e.regionId)).map((e) => e.id);
    return { enterpriseIds: ids, unit: v.unit ?? r.name };
  }
  if (v.enterprise) {
    const e = config.enterprises.find((x) => x.id === v.enterprise);
    if (!e) return { error: `no enterprise ${v.enterprise} in the config 无此企业` };
    return { enterpriseIds: [e.id], unit: v.unit ?? e.name };
  }
  return {
    enterpriseIds: config.enterprises.map((e) => e.id),
    unit: v.unit ?? config.regions.map((r) => r.name).join('、'),
  };
}

function buildAnnex(
  name: AnnexFormName,
  db: ReturnType<typeof openDb>,
  config: Config,
  scope: Scope,
  range: { from: number; to: number },
): AnnexForm {
  const hazards = new HazardsRepo(db);
  const ctx = {
    hazards,
    enforcement: hazardColumnsEnforcement(hazards),
    // the config is the source of truth for enterprises and regions (the service mirrors it at start)
    enterprises: config.enterprises.map((e) => ({
      id: e.id,
      name: e.name,
      regionId: e.regionId,
      industry: e.industry,
    })),
    regions: config.regions,
    dataDir: config.store.dataDir,
    utcOffsetMinutes: config.permits.night.utcOffsetMinutes,
    now: systemClock.now(),
  };
  return ANNEX_FORMS[name].build(ctx, { ...scope, ...range });
}

/**
 * The permit-to-video audit from the chained events (camera health from camera.healthChanged; the
 * running service also reads the ingest's health log), in the same table as GET /api/audit/permits.xlsx.
 */
function permitAuditForm(
  db: ReturnType<typeof openDb>,
  config: Config,
  scope: Scope,
  range: { from: number; to: number },
): AnnexForm {
  const log = new EventLogRepo(db);
  const audit = new PermitAuditService(
    log,
    new EventLogPermitSource(log),
    new EventLogHealthSource(log),
    systemClock,
    {
      require: config.audit.coverage.require,
      maxGapMs: config.audit.coverage.maxGapSeconds * 1000,
      minCoveragePct: config.audit.coverage.minCoveragePct,
    },
  );
  const names = new Map(config.enterprises.map((e) => [e.id, e.name]));
  const t = permitAuditTable(
    audit.audit(scope.enterpriseIds, range.from, range.to),
    scope.unit,
    (id) => names.get(id) ?? id,
  );
  return {
    annex: '',
    title: t.title,
    fileStem: 'permit-audit',
    headers: t.headers,
    sections: [
      { sheetName: t.sheetName, headerLines: [[`填报单位：${scope.unit}`]], rows: t.rows, footer: [] },
    ],
    notes: t.notes ?? [],
  };
}
