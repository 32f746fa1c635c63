import { parseArgs } from 'node:util';
import { ConfigError, defaultConfig, loadConfigFile } from '../../config/load.ts';
import { startService, stopOnSignals } from '../../main.ts';
import type { Command } from '../commands.ts';
import { formatConfigError } from './config-check.ts';

export const serveCommand: Command = {
  summary: 'run the service 启动服务 (--config FILE)',
  async run(args) {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' } }, strict: true });
    let config;
    try {
      config = values.config ? loadConfigFile(values.config) : defaultConfig();
    } catch (e) {
      // Fail closed: an invalid config starts nothing.
      if (e instanceof ConfigError) {
        process.stderr.write(formatConfigError(e) + 'nothing was started 未启动任何服务\n');
        return 2;
      }
      throw e;
    }
    const service = await startService(config);
    stopOnSignals(service, service.logger);
    await new Promise(() => {}); // runs until a signal stops it
    return 0;
  },
};
