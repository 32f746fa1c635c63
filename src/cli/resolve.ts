import { commands, type Command } from './commands.ts';

/** What the words on the command line name: a command and its arguments, a group, or nothing known. */
export type Resolved =
  { name: string; command: Command; args: string[] } | { group: string } | { unknown: string };

/**
 * Two-word commands ("audit verify") are matched before one-word ones, so `sim fault` is the
 * fault command and not `sim` with an argument. A first word that only starts two-word commands
 * ("audit", "qr", "config") is a group; a group word followed by a word that is no subcommand of it
 * is unknown, even where the group word is a command on its own ("sim").
 */
export function resolveCommand(argv: string[]): Resolved {
  const [first = '', second] = argv;
  const pair = `${first} ${second ?? ''}`;
  if (second !== undefined && commands[pair])
    return { name: pair, command: commands[pair], args: argv.slice(2) };
  const isGroup = subcommandsOf(first).length > 0;
  const looksLikeSubcommand = second !== undefined && !second.startsWith('-');
  if (isGroup && looksLikeSubcommand) return { unknown: pair };
  const single = commands[first];
  if (single) return { name: first, command: single, args: argv.slice(1) };
  if (isGroup) return { group: first };
  return { unknown: argv.slice(0, 2).join(' ') };
}

/** The two-word commands under a first word, e.g. "audit" → ["audit verify", "audit export"]. */
export function subcommandsOf(group: string): string[] {
  return Object.keys(commands).filter((n) => n.startsWith(`${group} `));
}

/** `jianhu audit --help`: the group's commands, each with its summary. */
export function groupUsage(group: string): string {
  const lines = subcommandsOf(group).map((n) => `  jianhu ${n.padEnd(18)} ${commands[n]!.summary}`);
  return `用法 usage: jianhu ${group} <subcommand> [--help]\n${lines.join('\n')}\n`;
}

/** --help or -h anywhere before a `--` that ends the options. */
export function isHelpRequest(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
