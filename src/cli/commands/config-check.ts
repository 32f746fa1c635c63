import { ConfigError, loadConfigFile } from '../../config/load.ts';
import type { Command } from '../commands.ts';

export function formatConfigError(e: ConfigError): string {
  const lines = e.issues.map((i) => `  ✗ ${i.path}${i.line ? ` (line ${i.line})` : ''}: ${i.message}`);
  return `${e.file ?? 'config'}: ${e.issues.length} error(s) 配置有误:\n${lines.join('\n')}\n`;
}

export const configCheckCommand: Command = {
  summary: 'validate a config file 校验配置文件 (exit 2 on error)',
  usage:
    'usage: jianhu config check FILE\n' +
    '  validates FILE and names every error with its path and line 校验配置文件, 逐条列出错误及行号\n' +
    'exit 0 valid 有效, 2 invalid or unreadable 无效或无法读取\n',
  async run(args) {
    const file = args[0];
    if (!file) {
      process.stderr.write('usage: jianhu config check FILE\n');
      return 2;
    }
    try {
      const cfg = loadConfigFile(file);
      const cameras = cfg.sites.reduce((n, s) => n + s.cameras.length, 0);
      process.stdout.write(
        `${file}: OK 配置有效 (${cfg.sites.length} site(s), ${cameras} camera(s), ${cfg.users.length} user(s))\n`,
      );
      return 0;
    } catch (e) {
      if (e instanceof ConfigError) {
        process.stderr.write(formatConfigError(e));
        return 2;
      }
      throw e;
    }
  },
};
