import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readAnchor } from '../../oversight/audit/anchor.ts';
import { verifyBundle } from '../../oversight/audit/bundle.ts';
import { verifyStore } from '../../oversight/audit/store-source.ts';
import { describeProblem, type VerifyReport } from '../../oversight/audit/verify.ts';
import type { Command } from '../commands.ts';
import { STORE_AND_RANGE_OPTIONS, openExisting, storeLocation } from './audit-args.ts';
import { parseCommandArgs } from './command-input.ts';

const USAGE = `核验审计链、签名检查点与证据文件 (check the audit chain, signed checkpoints and evidence files)
usage: jianhu audit verify [--bundle DIR | --db FILE --data-dir DIR | --config FILE]
                           [--from SEQ|ISO] [--to SEQ|ISO] [--key PUBKEY.pem] [--key-id ID]
                           [--anchor FILE] [--json]
  --anchor FILE  the checkpoint heads the service appended outside the database (audit.anchorFile):
                 every one must be in the database unchanged 锚定文件中的检查点须与数据库一致
Entries older than audit.checkpointEveryMinutes (+1 min) must be under a signed checkpoint.
exit 0 intact 完整, 1 broken 被篡改 (the first broken entry is named), 2 bad input\n`;

export const auditVerifyCommand: Command = {
  summary: 'check the audit chain, checkpoints and evidence 核验审计链 (exit 1 when broken)',
  usage: USAGE,
  async run(args) {
    const parsed = parseCommandArgs('audit verify', USAGE, {
      args,
      options: {
        ...STORE_AND_RANGE_OPTIONS,
        bundle: { type: 'string' },
        key: { type: 'string' },
        'key-id': { type: 'string' },
        anchor: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (!parsed) return 2;
    const { values } = parsed;
    let report: VerifyReport;
    let source: string;
    try {
      if (values.bundle) {
        if (!existsSync(join(values.bundle, 'manifest.json'))) {
          process.stderr.write(`not an audit bundle 不是审计包: ${values.bundle}\n`);
          return 2;
        }
        source = values.bundle;
        report = verifyBundle(values.bundle, { expectKeyId: values['key-id'] });
      } else {
        const loc = storeLocation(values);
        if ('error' in loc) {
          process.stderr.write(loc.error);
          return 2;
        }
        let anchor: ReturnType<typeof readAnchor> | undefined;
        if (values.anchor) {
          if (!existsSync(values.anchor)) {
            process.stderr.write(`anchor file not found 锚定文件不存在: ${values.anchor}\n`);
            return 2;
          }
          anchor = readAnchor(values.anchor);
        }
        const db = openExisting(loc.dbPath, true);
        if ('error' in db) {
          process.stderr.write(db.error);
          return 2;
        }
        source = loc.dbPath;
        try {
          report = verifyStore(db, loc.dataDir, {
            from: values.from,
            to: values.to,
            keyFile: values.key,
            expectKeyId: values['key-id'],
            checkpointEveryMinutes: loc.checkpointEveryMinutes,
            anchor: anchor && { lines: anchor.lines, source: values.anchor! },
            extraProblems: anchor?.problems,
          });
        } finally {
          db.close();
        }
      }
    } catch (e) {
      if (e instanceof RangeError || e instanceof SyntaxError) {
        process.stderr.write(`${e.message}\n${USAGE}`);
        return 2;
      }
      throw e;
    }
    if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else process.stdout.write(summary(source, report));
    return report.ok ? 0 : 1;
  },
};

function summary(source: string, r: VerifyReport): string {
  const warned =
    r.warnings.map((w) => `  ! ${w}\n`).join('') + (r.notes ?? []).map((n) => `  · ${n}\n`).join('');
  const head = `${source}: ${r.entries} entries, ${r.checkpoints} signed checkpoint(s), ${r.evidenceFiles} evidence file(s), key ${r.keyId ?? '(none)'}\n${warned}`;
  if (r.ok)
    return `${head}OK 审计链完整 / chain intact (head #${r.headSeq ?? 0} ${r.headHash?.slice(0, 16) ?? ''})\n`;
  const lines = r.problems.slice(0, 20).map((p) => `  ✗ ${describeProblem(p)}`);
  return `${head}BROKEN 审计链被篡改 / chain broken — first broken entry 首个异常条目: ${describeProblem(r.firstBroken!)}\n${lines.join('\n')}\n`;
}
