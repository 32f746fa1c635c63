import { writeFileSync } from 'node:fs';
import { certificateLedgerTable } from '../../oversight/reports/certificate-ledger.ts';
import { toXlsx } from '../../oversight/reports/table.ts';
import { UsersRepo } from '../../platform/auth/users.repo.ts';
import { openDb } from '../../platform/store/db.ts';
import { migrate } from '../../platform/store/migrate.ts';
import { TenancyRepo } from '../../platform/tenancy/tenancy.repo.ts';
import { parseCertificateDate } from '../../work/certificates/certificate-dates.ts';
import { statusOf } from '../../work/certificates/certificate-standing.ts';
import { CertificatesRepo } from '../../work/certificates/certificates.repo.ts';
import type { Command } from '../commands.ts';
import { loadCommandConfig, parseCommandArgs } from './command-input.ts';

const USAGE =
  'usage: jianhu certificates ledger --out FILE [--config FILE] [--enterprise ID] [--as-of DATE]\n' +
  '  the 特种作业人员台账 as XLSX (序号 姓名 作业类别 证书编号 发证日期 有效期至 复审日期 状态)\n' +
  '  --config, -c FILE  the config file whose store holds the certificates 配置文件\n' +
  '  --out, -o FILE     where to write the XLSX 输出文件\n' +
  '  --enterprise ID    only this enterprise 仅此企业 (default: all)\n' +
  '  --as-of DATE       statuses as of YYYY-MM-DD or a date-time 状态截至 (default: now)\n' +
  'exit 2 bad usage or bad config 参数或配置错误\n';

/** `jianhu certificates ledger --out FILE`: the same ledger as GET /api/certificates/ledger.xlsx, offline. */
export const certificatesLedgerCommand: Command = {
  summary: 'write the 特种作业人员台账 XLSX (--out FILE [--config FILE])',
  usage: USAGE,
  async run(args) {
    const parsed = parseCommandArgs('certificates ledger', USAGE, {
      args,
      options: {
        config: { type: 'string', short: 'c' },
        out: { type: 'string', short: 'o' },
        enterprise: { type: 'string' },
        'as-of': { type: 'string' },
      },
    });
    if (!parsed) return 2;
    const { values } = parsed;
    if (!values.out) {
      process.stderr.write(USAGE);
      return 2;
    }
    const config = loadCommandConfig(values.config);
    if ('error' in config) {
      process.stderr.write(config.error);
      return 2;
    }
    const offset = config.permits.night.utcOffsetMinutes;
    const now = values['as-of'] ? parseCertificateDate(values['as-of'], 'from', offset) : Date.now();
    if (now === null) {
      process.stderr.write(`--as-of: not a date 日期无效: ${values['as-of']}\n${USAGE}`);
      return 2;
    }
    const db = openDb(config.store.path);
    try {
      migrate(db);
      // the enterprises the service has stored (mirrored from its config at each start)
      const enterprises = new TenancyRepo(db)
        .enterprises()
        .filter((e) => !values.enterprise || e.id === values.enterprise);
      if (values.enterprise && enterprises.length === 0) {
        process.stderr.write(`no enterprise ${values.enterprise} in the store 无此企业\n`);
        return 2;
      }
      const users = new UsersRepo(db);
      const certificates = new CertificatesRepo(db).list(enterprises.map((e) => e.id));
      const table = certificateLedgerTable({
        certificates,
        holderName: (id) => users.byId(id)?.displayName ?? String(id),
        status: (c) => statusOf(c, now, config.permits.scan.certificateWarnDays),
        enterpriseName: enterprises.map((e) => e.name).join('、'),
        now,
        utcOffsetMinutes: offset,
      });
      writeFileSync(values.out, await toXlsx(table));
      process.stdout.write(`${values.out}: ${table.rows.length} certificate(s) 台账已导出\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};
