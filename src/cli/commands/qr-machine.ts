import { writeFileSync } from 'node:fs';
import { loadOrCreateMachineKey, signQr } from '../../work/machines/machine-token.ts';
import { machineLabelPng, scanPageUrl } from '../../work/machines/machine-label.ts';
import { publicBaseUrlOf } from '../../platform/http/tls/server-tls.ts';
import { MachinesRepo } from '../../work/machines/machines.repo.ts';
import { openDb } from '../../platform/store/db.ts';
import { migrate } from '../../platform/store/migrate.ts';
import type { Command } from '../commands.ts';
import { loadCommandConfig, parseCommandArgs } from './command-input.ts';

const USAGE =
  'usage: jianhu qr machine ID [--config FILE] [--out FILE] > label.png\n' +
  '  the printable 一机一码 PNG label of machine ID 打印焊机二维码标签 (PNG)\n' +
  '  --config, -c FILE  the config file whose store holds the machine 配置文件\n' +
  '  --out, -o FILE     write the PNG to FILE instead of stdout 输出到文件\n' +
  'exit 1 unknown or revoked machine 焊机不存在或二维码已作废, 2 bad usage 参数错误\n';

/** `jianhu qr machine ID [--config FILE] [--out FILE]`: PNG label on stdout (or --out). */
export const qrMachineCommand: Command = {
  summary: 'print a machine’s QR label as PNG 打印焊机二维码 (ID [--config FILE] [--out FILE])',
  usage: USAGE,
  async run(args) {
    const parsed = parseCommandArgs('qr machine', USAGE, {
      args,
      allowPositionals: true,
      options: { config: { type: 'string', short: 'c' }, out: { type: 'string', short: 'o' } },
    });
    if (!parsed) return 2;
    const id = parsed.positionals[0];
    if (!id || parsed.positionals.length > 1) {
      process.stderr.write(USAGE);
      return 2;
    }
    if (!parsed.values.out && process.stdout.isTTY) {
      process.stderr.write(
        'refusing to write PNG to a terminal 不向终端输出图片: redirect (> label.png) or use --out\n',
      );
      return 2;
    }
    const config = loadCommandConfig(parsed.values.config);
    if ('error' in config) {
      process.stderr.write(config.error);
      return 2;
    }
    const db = openDb(config.store.path);
    try {
      migrate(db);
      const machine = new MachinesRepo(db).get(id);
      if (!machine) {
        process.stderr.write(`machine ${id} not found 焊机不存在 (register it: POST /api/machines)\n`);
        return 1;
      }
      if (machine.revoked) {
        process.stderr.write(`machine ${id}: QR revoked 二维码已作废 (POST /api/machines/${id}/qr/rotate)\n`);
        return 1;
      }
      const key = loadOrCreateMachineKey(config.store.dataDir);
      const token = signQr(key, {
        machineId: id,
        version: machine.tokenVersion,
        iat: Math.floor(Date.now() / 1000),
      });
      const png = await machineLabelPng(scanPageUrl(publicBaseUrlOf(config), token), machine.name, id);
      if (parsed.values.out) writeFileSync(parsed.values.out, png);
      else process.stdout.write(png);
      return 0;
    } finally {
      db.close();
    }
  },
};
