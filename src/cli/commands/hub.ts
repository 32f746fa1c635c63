import { HubConfigError, loadHubConfigFile } from '../../hub/config.ts';
import { startHub } from '../../hub/hub.ts';
import type { Command } from '../commands.ts';
import { parseCommandArgs } from './command-input.ts';

export const hubCommand: Command = {
  summary: 'run the county hub 运行县级监管中心 (--config hub.yaml)',
  usage:
    'usage: jianhu hub --config hub.yaml\n' +
    "  consumes every box's events from NATS JetStream into PostgreSQL and serves the regulators' desk\n" +
    '  从 NATS JetStream 汇集各企业端事件到 PostgreSQL，提供监管端页面\n' +
    "  --config, -c FILE  the hub's config 监管中心配置 (required)\n" +
    'exit 2 on an invalid config, and nothing is started 配置无效时退出码 2, 不启动任何服务\n' +
    'see also 另见:\n' +
    "  jianhu hub nats-config  the hub's nats-server config from hub.yaml 生成 nats-server 配置\n" +
    "  jianhu hub box-key      a box's nkey seed and public key 生成企业端 nkey\n",
  async run(args) {
    const parsed = parseCommandArgs('hub', hubCommand.usage, {
      args,
      options: { config: { type: 'string', short: 'c' } },
    });
    if (!parsed) return 2;
    const { values } = parsed;
    if (!values.config) {
      process.stderr.write(`jianhu hub: --config is required\n${hubCommand.usage}`);
      return 2;
    }
    let config;
    try {
      config = loadHubConfigFile(values.config);
    } catch (e) {
      if (e instanceof HubConfigError) {
        process.stderr.write(`${e.message}\nnothing was started 未启动任何服务\n`);
        return 2;
      }
      throw e;
    }
    const hub = await startHub(config);
    const stop = () =>
      void hub.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await new Promise(() => {}); // runs until a signal stops it
    return 0;
  },
};
