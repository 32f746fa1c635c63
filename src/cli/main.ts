import { commands } from './commands.ts';
import { groupUsage, isHelpRequest, resolveCommand } from './resolve.ts';

/** `jianhu <command> [args]`: each command lives in src/cli/commands/ and returns an exit code. */
async function main(argv: string[]): Promise<number> {
  const [name] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // a bare `jianhu` is a usage mistake (exit 2); asking for help is not
    (name ? process.stdout : process.stderr).write(usage());
    return name ? 0 : 2;
  }
  const found = resolveCommand(argv);
  if ('group' in found) {
    // `jianhu audit`, `jianhu audit --help`: the group's subcommands
    const asked = isHelpRequest(argv.slice(1));
    (asked ? process.stdout : process.stderr).write(groupUsage(found.group));
    return asked ? 0 : 2;
  }
  if ('unknown' in found) {
    process.stderr.write(`jianhu: unknown command "${found.unknown}" (未知命令)\n\n${usage()}`);
    return 2;
  }
  // --help / -h is answered here, once, for every command: its usage on stdout, exit 0
  if (isHelpRequest(found.args)) {
    process.stdout.write(found.command.usage);
    return 0;
  }
  return found.command.run(found.args);
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  jianhu ${n.padEnd(18)} ${c.summary}`);
  return (
    `监护 jianhu — 无监控不作业 (no monitoring, no work)\n\n用法 Usage:\n${lines.join('\n')}\n\n` +
    `jianhu <command> --help  命令的用法 (a command's usage)\n`
  );
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
