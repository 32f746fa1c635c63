import { commands } from './commands.ts';

/** `jianhu <command> [args]`: each command lives in src/cli/commands/ and returns an exit code. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const words = name in commands ? [name] : [`${name} ${rest[0] ?? ''}`.trim()];
  const key = words[0]!;
  const command = commands[key];
  if (!command) {
    process.stderr.write(`jianhu: unknown command "${argv.slice(0, 2).join(' ')}" (未知命令)\n\n${usage()}`);
    return 2;
  }
  const args = key.includes(' ') ? rest.slice(1) : rest;
  return command.run(args);
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  jianhu ${n.padEnd(18)} ${c.summary}`);
  return `监护 jianhu — 无监控不作业 (no monitoring, no work)\n\nUsage:\n${lines.join('\n')}\n`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`jianhu: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);
