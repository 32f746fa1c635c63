/**
 * `jianhu adapt --config FILE [--status | --rollback]`: site learning of the hard-hat model from the
 * store of the config (the crops officers reviewed on the wall), offline; a running service notices the
 * new version in use (it watches the version list) and reloads its workers.
 */
import { resolve } from 'node:path';
import { AppError } from '../../platform/shared/errors.ts';
import { createLogger } from '../../platform/shared/logger.ts';
import { systemClock } from '../../platform/shared/clock.ts';
import { openDb } from '../../platform/store/db.ts';
import { migrate } from '../../platform/store/migrate.ts';
import { SiteAdaptation } from '../../vision/adapt/adapt.service.ts';
import { shippedBase } from '../../vision/adapt/module.ts';
import { ADAPTED_MODEL, SiteCrops } from '../../vision/adapt/site-crops.ts';
import { SiteCropsRepo } from '../../vision/adapt/site-crops.repo.ts';
import { SiteModelStore, type SiteModelVersion } from '../../vision/adapt/site-models.ts';
import { PROJECT_ROOT } from '../../vision/detect/manifest.ts';
import type { Command } from '../commands.ts';
import { apOf, shippedHardhatData } from './adapt-data.ts';
import { loadCommandConfig, parseCommandArgs } from './command-input.ts';

const USAGE =
  '现场学习：用本现场复核过的安全帽违章截图重训安全帽模型末层 (site learning of the hard-hat model)\n' +
  'usage: jianhu adapt --config FILE [--status | --rollback]\n' +
  '  (no option)   retrain on the reviewed crops (确认违章 / 误报驳回) and the shipped photos; adopt it only if\n' +
  '                the held-back crops agree better with the officers and the shipped figure holds 学习并检验\n' +
  '  --status      the crops and every version (figures, adopted or not, in use) 状态与版本\n' +
  '  --rollback    back to the version in use before the current one 回退到上一版本\n' +
  '  --config, -c FILE   the service config (its store and data folder) 配置文件\n' +
  'exit 0 adopted / done; 1 ran but not adopted (figures did not hold); 2 bad usage, bad config, no or too few crops\n';

const fail = (msg: string): number => {
  process.stderr.write(`jianhu adapt: ${msg}\n${USAGE}`);
  return 2;
};
const f3 = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '—');

export function describeVersion(v: SiteModelVersion, inUse: number | null): string {
  return (
    `v${v.version} ${v.createdAt} ${v.adopted ? '已采用 adopted' : '未采用 not adopted'}${v.version === inUse ? ' · 使用中 in use' : ''}` +
    `${v.rolledBackAt ? ` · 已回退 rolled back ${v.rolledBackAt}` : ''}\n` +
    `  site agreement 现场一致率 ${f3(v.before.site)} → ${f3(v.after.site)}; shipped mean AP@0.5 随附验证集 ${f3(v.before.shipped)} → ${f3(v.after.shipped)} (margin ${v.margin})\n` +
    `  crops ${v.data.siteTrain} learnt + ${v.data.siteHeld} held back (${v.data.confirmed} confirmed, ${v.data.dismissed} dismissed); shipped ${v.data.shippedTrain} + ${v.data.shippedVal} photos; CPU ${v.cpuSeconds.toFixed(1)} s\n` +
    `  ${v.reason}\n`
  );
}

export const adaptCommand: Command = {
  summary: 'site learning of the hard-hat model 现场学习 (retrain, status, rollback)',
  usage: USAGE,
  async run(args) {
    const parsed = parseCommandArgs('adapt', USAGE, {
      args,
      options: {
        config: { type: 'string', short: 'c' },
        status: { type: 'boolean' },
        rollback: { type: 'boolean' },
      },
    });
    if (!parsed) return 2;
    const { values } = parsed;
    if (!values.config) return fail('--config is required');
    if (values.status && values.rollback) return fail('--status and --rollback exclude each other');
    const config = loadCommandConfig(values.config);
    if ('error' in config) return fail(config.error);
    const db = openDb(config.store.path);
    try {
      migrate(db);
      const logger = createLogger('warn');
      const adaptation = new SiteAdaptation({
        crops: new SiteCrops(new SiteCropsRepo(db), systemClock, logger),
        store: new SiteModelStore(config.store.dataDir, ADAPTED_MODEL),
        base: () => shippedBase(config.detect.modelsDir),
        shipped: (l) =>
          shippedHardhatData(resolve(PROJECT_ROOT, config.adapt.datasetsDir), {
            trainLimit: l.train,
            valLimit: l.val,
          }),
        ap: apOf,
        reload: null,
        config: config.adapt,
        clock: systemClock,
        logger,
      });
      if (values.status || values.rollback) {
        if (values.rollback) {
          const r = await adaptation.rollback();
          process.stdout.write(
            `rolled back 已回退 v${r.from} → ${r.to === null ? 'shipped 随版本发布的模型' : `v${r.to}`}\n`,
          );
        }
        const s = adaptation.status();
        process.stdout.write(
          `crops 截图: ${s.crops.confirmed} confirmed 确认, ${s.crops.dismissed} dismissed 驳回, ${s.crops.pending} pending 待复核 (needs ${s.minCrops})\n` +
            `in use 使用中: ${s.inUse === null ? 'shipped 随版本发布的模型' : `v${s.inUse}`}\n` +
            [...s.versions]
              .reverse()
              .map((v) => describeVersion(v, s.inUse))
              .join(''),
        );
        return 0;
      }
      const v = await adaptation.start((m) => process.stdout.write(`${m}\n`));
      process.stdout.write(describeVersion(v, adaptation.status().inUse));
      return v.adopted ? 0 : 1;
    } catch (e) {
      if (e instanceof AppError && e.status < 500) {
        process.stderr.write(`jianhu adapt: ${e.code}: ${e.zh} ${e.message}\n`);
        return 2;
      }
      throw e;
    } finally {
      db.close();
    }
  },
};
