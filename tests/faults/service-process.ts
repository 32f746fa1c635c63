import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_PASSWORD, testConfigInput } from '../helpers/test-service.ts';

/** A free TCP port on 127.0.0.1 (bind 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Writes a JSON config (JSON is YAML) for `jianhu serve` in `dir`; returns its path. */
export function writeServeConfig(dir: string, httpPort: number, mqttPort: number, extra = {}): string {
  const input = testConfigInput(dir, {
    server: { host: '127.0.0.1', port: httpPort, logLevel: 'info' },
    mqtt: { embedded: true, host: '127.0.0.1', port: mqttPort },
    ...extra,
  });
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(input, null, 2));
  return path;
}

export interface ServiceProcess {
  child: ChildProcess;
  base: string;
  /** everything the process wrote (pino JSON lines and anything else) */
  output: () => string;
}

/** `node bin/jianhu.mjs serve --config FILE` as a child process; resolves once /healthz answers. */
export async function spawnService(
  config: string,
  port: number,
  timeoutMs = 40_000,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['bin/jianhu.mjs', 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited ${child.exitCode}: ${out.slice(-2000)}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.status === 200 || res.status === 503) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - t0 > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`service not up within ${timeoutMs} ms: ${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, base, output: () => out };
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return `Bearer ${((await res.json()) as { token: string }).token}`;
}

/** One JSON call; `status` 0 when no answer came back (connection reset by the kill). */
export async function call(
  base: string,
  auth: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON (an image)
    }
    return { status: res.status, json };
  } catch {
    return { status: 0, json: {} };
  }
}

/** `jianhu <args>` to completion: exit code and output. */
export function cli(args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, ['bin/jianhu.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}
