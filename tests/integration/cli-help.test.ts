import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.ts';

/**
 * Every command and subcommand in the command table (and every group word such as `audit`) answers
 * --help with its usage on stdout and exit 0, as a real `node bin/jianhu.mjs` process; an unknown
 * option still exits 2 with a message on stderr and nothing on stdout.
 */
const run = promisify(execFile);
const names = Object.keys(commands);
const groups = [...new Set(names.filter((n) => n.includes(' ')).map((n) => n.split(' ')[0]!))];

async function jianhu(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/jianhu.mjs', ...args], { encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const hasChinese = /[\u4e00-\u9fff]/;

describe.concurrent('jianhu <command> --help', () => {
  it('the table is the real one: all the commands the issue names are in it', () => {
    for (const n of ['serve', 'audit verify', 'audit export', 'qr machine', 'sim fault', 'sim chips'])
      expect(names).toContain(n);
    expect(groups).toEqual(expect.arrayContaining(['audit', 'qr', 'sim', 'config']));
  });

  it.each(names)('%s --help prints its usage on stdout and exits 0', async (name) => {
    const r = await jianhu([...name.split(' '), '--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`usage: jianhu ${name}`);
    expect(r.stdout).toMatch(hasChinese);
    expect(r.stdout).toBe(commands[name]!.usage);
  });

  // each CLI process costs seconds of transpiling: -h and bad options on the commands that once
  // failed them (the four, and serve, which exited 1 on an unknown option)
  const onceBroken = ['audit verify', 'audit export', 'qr machine', 'sim fault', 'serve'];

  it.each(onceBroken)('%s -h prints the same usage', async (name) => {
    const r = await jianhu([...name.split(' '), '-h']);
    expect([r.code, r.stdout]).toEqual([0, commands[name]!.usage]);
  });

  it.each(groups)('the group %s --help lists its subcommands on stdout and exits 0', async (group) => {
    const r = await jianhu([group, '--help']);
    expect(r.code).toBe(0);
    for (const n of names.filter((x) => x.startsWith(`${group} `))) expect(r.stdout).toContain(`jianhu ${n}`);
  });

  it.each(onceBroken)('%s with an unknown option exits 2 with a message on stderr', async (name) => {
    const r = await jianhu([...name.split(' '), '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no-such-option/);
  });

  it('jianhu --help lists every command; bare jianhu and unknown words exit 2 on stderr', async () => {
    const help = await jianhu(['--help']);
    expect(help.code).toBe(0);
    for (const n of names) expect(help.stdout).toContain(`jianhu ${n}`);
    const bare = await jianhu([]);
    expect([bare.code, bare.stdout]).toEqual([2, '']);
    for (const words of [['frobnicate'], ['sim', 'bogus'], ['audit', 'bogus'], ['audit']]) {
      const r = await jianhu(words);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toBe('');
    }
  });
});
