import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, defaultConfig, loadConfigFile } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { formatConfigError } from './config-check.ts';

/**
 * A command's words through node's parseArgs. A word it does not take is bad usage, not a fault: the
 * reason and the command's usage go to stderr and the answer is undefined (the command exits 2).
 */
export function parseCommandArgs<T extends ParseArgsConfig>(
  name: string,
  usage: string,
  options: T,
): ReturnType<typeof parseArgs<T>> | undefined {
  try {
    return parseArgs(options);
  } catch (e) {
    process.stderr.write(`jianhu ${name}: ${(e as Error).message}\n${usage}`);
    return undefined;
  }
}

/**
 * The config a command runs on: FILE, or the built-in defaults where none is named. An invalid config
 * answers its issues, formatted for stderr, so the command exits 2 having started nothing; anything
 * else thrown is a fault, not bad input, and goes on up.
 */
export function loadCommandConfig(file: string | undefined): Config | { error: string } {
  try {
    return file ? loadConfigFile(file) : defaultConfig();
  } catch (e) {
    if (e instanceof ConfigError) return { error: formatConfigError(e) };
    throw e;
  }
}
