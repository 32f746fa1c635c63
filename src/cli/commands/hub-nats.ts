import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { nkeys } from 'nats';
import { parse as parseYaml } from 'yaml';
import Value from 'typebox/value';
import {
  NatsServerInputSchema,
  renderNatsServerConfig,
  type NatsServerInput,
} from '../../platform/uplink/nats-server-config.ts';
import type { Command } from '../commands.ts';
import { parseCommandArgs } from './command-input.ts';

const NATS_CONFIG_USAGE =
  'usage: jianhu hub nats-config --config FILE [--out FILE]\n' +
  '  the hub’s nats-server configuration from the `natsServer:` section of FILE 生成监管中心 nats-server 配置\n' +
  '  (JetStream store, the hub’s nkey, one nkey user per box allowed to publish only its own enterprises)\n' +
  '  --config, -c FILE  YAML with natsServer: { storeDir, hubNkey, leafListen?, boxes: [{ boxId, nkey, enterprises, leafPasswordEnv? }] }\n' +
  '  --out, -o FILE     write it to FILE instead of stdout 输出到文件\n' +
  'exit 2 bad usage or bad input 参数或输入错误\n';

/** `jianhu hub nats-config`: renders nats.conf for the hub (src/platform/uplink/nats-server-config.ts). */
export const hubNatsConfigCommand: Command = {
  summary: 'the hub’s nats-server config with per-box permissions 生成 nats-server 配置 (--config FILE)',
  usage: NATS_CONFIG_USAGE,
  async run(args) {
    const parsed = parseCommandArgs('hub nats-config', NATS_CONFIG_USAGE, {
      args,
      options: { config: { type: 'string', short: 'c' }, out: { type: 'string', short: 'o' } },
    });
    if (!parsed) return 2;
    const { values } = parsed;
    if (!values.config) {
      process.stderr.write(NATS_CONFIG_USAGE);
      return 2;
    }
    let input: NatsServerInput;
    try {
      const doc = parseYaml(readFileSync(values.config, 'utf8')) as { natsServer?: unknown } | null;
      const raw = Value.Default(NatsServerInputSchema, Value.Clone(doc?.natsServer ?? {}));
      const errors = [...Value.Errors(NatsServerInputSchema, raw)];
      if (errors.length > 0) {
        for (const e of errors.slice(0, 10))
          process.stderr.write(
            `${values.config}: natsServer${e.instancePath.replaceAll('/', '.')}: ${e.message}\n`,
          );
        return 2;
      }
      input = raw as NatsServerInput;
      const text = renderNatsServerConfig(input, process.env);
      // leaf passwords are in it then: readable by the server's user only
      const secret = input.boxes.some((b) => b.leafPasswordEnv);
      if (values.out) {
        writeFileSync(values.out, text, { mode: secret ? 0o600 : 0o644 });
        chmodSync(values.out, secret ? 0o600 : 0o644);
      } else process.stdout.write(text);
    } catch (e) {
      process.stderr.write(`jianhu hub nats-config: ${(e as Error).message}\n`);
      return 2;
    }
    if (values.out)
      process.stderr.write(
        `${values.out}: hub + ${input.boxes.length} boxes; reload: nats-server --signal reload\n`,
      );
    return 0;
  },
};

const BOX_KEY_USAGE =
  'usage: jianhu hub box-key --out FILE\n' +
  '  makes this box’s NATS nkey: the seed goes to FILE (mode 0600, never leaves the box), the public key\n' +
  '  (U…) is printed for the hub’s box list 生成本机 NATS 密钥：种子写入文件，公钥交给监管中心\n' +
  '  an existing FILE is kept and its public key printed again 已有文件不覆盖\n' +
  'exit 2 bad usage or a FILE that holds no seed 参数错误\n';

/** `jianhu hub box-key --out FILE`: the first of the two commands that join a box to a hub. */
export const hubBoxKeyCommand: Command = {
  summary: 'make this box’s NATS nkey and print its public key 生成本机密钥 (--out FILE)',
  usage: BOX_KEY_USAGE,
  async run(args) {
    const parsed = parseCommandArgs('hub box-key', BOX_KEY_USAGE, {
      args,
      options: { out: { type: 'string', short: 'o' } },
    });
    if (!parsed) return 2;
    const { values } = parsed;
    if (!values.out) {
      process.stderr.write(BOX_KEY_USAGE);
      return 2;
    }
    try {
      const pair = existsSync(values.out)
        ? nkeys.fromSeed(new TextEncoder().encode(readFileSync(values.out, 'utf8').trim()))
        : nkeys.createUser();
      if (!existsSync(values.out)) {
        writeFileSync(values.out, `${new TextDecoder().decode(pair.getSeed())}\n`, {
          mode: 0o600,
          flag: 'wx',
        });
        chmodSync(values.out, 0o600);
      }
      process.stdout.write(`${pair.getPublicKey()}\n`);
      return 0;
    } catch (e) {
      process.stderr.write(`jianhu hub box-key: ${values.out}: ${(e as Error).message}\n`);
      return 2;
    }
  },
};
