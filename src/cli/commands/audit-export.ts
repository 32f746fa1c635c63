import { AuditService } from '../../oversight/audit/audit.service.ts';
import { exportPermitRecording, PermitNotFoundError } from '../../oversight/audit/permit-recording-export.ts';
import { AuditConfigSchema, type AuditConfig } from '../../oversight/audit/config.schema.ts';
import Value from 'typebox/value';
import { systemClock } from '../../platform/shared/clock.ts';
import { createLogger } from '../../platform/shared/logger.ts';
import type { Command } from '../commands.ts';
import { STORE_AND_RANGE_OPTIONS, openExisting, storeLocation } from './audit-args.ts';
import { parseCommandArgs } from './command-input.ts';

const USAGE = `导出离线审计包, 可用 jianhu audit verify --bundle 核验 (write an offline audit bundle)
usage: jianhu audit export --out DIR [--from SEQ|ISO] [--to SEQ|ISO] [--enterprise ID]
                           [--db FILE --data-dir DIR | --config FILE]
       jianhu audit export --out DIR --permit ID [--db FILE --data-dir DIR | --config FILE]
  --permit ID  the permit's recording too: recordings/<camera>/*.mp4, recordings/hashes.sha256 and
               recordings/timeline.json, with the chain from the permit's creation 含作业票录像及哈希清单\n`;

export const auditExportCommand: Command = {
  summary: 'write an offline audit bundle 导出审计包 (--out DIR)',
  usage: USAGE,
  async run(args) {
    const parsed = parseCommandArgs('audit export', USAGE, {
      args,
      options: {
        ...STORE_AND_RANGE_OPTIONS,
        out: { type: 'string', short: 'o' },
        enterprise: { type: 'string' },
        permit: { type: 'string' },
      },
    });
    if (!parsed) return 2;
    const { values } = parsed;
    if (!values.out) {
      process.stderr.write(USAGE);
      return 2;
    }
    const loc = storeLocation(values);
    if ('error' in loc) {
      process.stderr.write(loc.error);
      return 2;
    }
    const db = openExisting(loc.dbPath, false);
    if ('error' in db) {
      process.stderr.write(db.error);
      return 2;
    }
    try {
      const audit = new AuditService(
        db,
        loc.dataDir,
        systemClock,
        createLogger('silent'),
        Value.Default(AuditConfigSchema, {}) as AuditConfig,
      );
      if (values.permit) {
        audit.checkpoint(); // the bundle ends on a signed head
        const m = exportPermitRecording(
          db,
          loc.dataDir,
          values.out,
          values.permit,
          loc.recording,
          Date.now(),
        );
        process.stdout.write(
          `${values.out}: permit ${values.permit}, ${m.segments} recording segment(s) (${m.deletedSegments} deleted by retention), ` +
            `${m.entries} entries (#${m.fromSeq}..#${m.toSeq}), key ${m.keyId ?? '(none)'} 作业票录像审计包已导出\n`,
        );
        return 0;
      }
      const m = audit.export(values.out, {
        from: values.from,
        to: values.to,
        enterpriseId: values.enterprise,
      });
      process.stdout.write(
        `${values.out}: ${m.entries} entries (#${m.fromSeq}..#${m.toSeq}, ${m.redactedEntries} redacted), ` +
          `${m.evidenceFiles} evidence file(s), key ${m.keyId ?? '(none)'} 审计包已导出\n` +
          (m.missingEvidence.length ? `missing evidence 缺失证据: ${m.missingEvidence.join(', ')}\n` : ''),
      );
      return 0;
    } catch (e) {
      if (
        e instanceof RangeError ||
        e instanceof PermitNotFoundError ||
        /not empty/.test((e as Error).message)
      ) {
        process.stderr.write(`${(e as Error).message}\n${USAGE}`);
        return 2;
      }
      throw e;
    } finally {
      db.close();
    }
  },
};
