import { startService, stopOnSignals, type RunningService } from '../../main.ts';
import type { Config } from '../../config/schema.ts';
import { AppError } from '../../platform/shared/errors.ts';
import type { Command } from '../commands.ts';
import { loadCommandConfig, parseCommandArgs } from './command-input.ts';

export const serveCommand: Command = {
  summary: 'run the service 启动服务 (--config FILE)',
  usage:
    'usage: jianhu serve [--config FILE]\n' +
    '  runs the service until SIGINT/SIGTERM 运行服务直到收到停止信号\n' +
    '  --config, -c FILE  the config file 配置文件 (default: built-in defaults 默认配置)\n' +
    'exit 2 on an invalid config, and nothing is started 配置无效时退出码 2, 不启动任何服务\n',
  async run(args) {
    const parsed = parseCommandArgs('serve', serveCommand.usage, {
      args,
      options: { config: { type: 'string', short: 'c' } },
    });
    if (!parsed) return 2;
    const config = loadCommandConfig(parsed.values.config);
    // Fail closed: an invalid config starts nothing.
    if ('error' in config) {
      process.stderr.write(config.error + 'nothing was started 未启动任何服务\n');
      return 2;
    }
    const service = await startServiceOrExplain(config);
    if (!service) return 2;
    stopOnSignals(service, service.logger);
    await new Promise(() => {}); // runs until a signal stops it
    return 0;
  },
};

/**
 * startService, but a start refused for a coded configuration reason found only when it is used (the
 * plant's HTTPS certificate unreadable or not matching its key: JH_ERR_TLS_*; the hub nkey seed:
 * JH_ERR_HUB_NKEY_SEED) prints its code and
 * file and answers undefined (exit 2), like an invalid config: nothing was started.
 */
export async function startServiceOrExplain(config: Config): Promise<RunningService | undefined> {
  try {
    return await startService(config);
  } catch (e) {
    if (e instanceof AppError && (e.code.startsWith('JH_ERR_TLS_') || e.code === 'JH_ERR_HUB_NKEY_SEED')) {
      process.stderr.write(`${e.code}: ${e.message}\n${e.zh}\nnothing was started 未启动任何服务\n`);
      return undefined;
    }
    throw e;
  }
}
