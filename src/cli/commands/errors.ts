import { listErrors } from '../../platform/shared/errors.ts';
import type { Command } from '../commands.ts';

/**
 * The catalogue of coded errors, for integrators who map codes to their own messages. Importing the
 * route list loads every module that defines errors (each defines them next to its code).
 */
export const errorsCommand: Command = {
  summary: 'list every coded error 列出全部错误码 (code, HTTP status, zh, en)',
  usage:
    'usage: jianhu errors [--json]\n' +
    '  prints every error code the service can answer with: code, HTTP status, Chinese and English\n' +
    '  列出服务可能返回的全部错误码（代码、HTTP 状态、中文、英文）\n' +
    '  --json  one JSON array instead of a table 以 JSON 数组输出\n' +
    'exit 0 ok, 2 bad option 参数错误\n',
  async run(args) {
    const json = args.includes('--json');
    const unknown = args.filter((a) => a !== '--json');
    if (unknown.length > 0) {
      process.stderr.write(`jianhu errors: unknown option ${unknown[0]} 未知参数\n`);
      return 2;
    }
    await import('../../http-routes.ts');
    await import('../../config/load.ts');
    const all = listErrors();
    if (json) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
    else for (const e of all) process.stdout.write(`${e.code}\t${e.status}\t${e.zh}\t${e.en}\n`);
    return 0;
  },
};
