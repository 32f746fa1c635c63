import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { AppServices } from '../../src/app-services.ts';
import { validateConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { createServices, type AssembleOptions } from '../../src/services.ts';
import type { MqttBus } from '../../src/platform/mqtt/mqtt-bus.ts';
import { FakeClock, type Clock } from '../../src/platform/shared/clock.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';

/** Two enterprises in one region plus one in another: enough to test tenancy in every direction. */
export const TEST_PASSWORD = 'test-password-1';

export function testConfigInput(dir: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const user = (username: string, role: string, tenancy: Record<string, string>) => ({
    username,
    displayName: username,
    role,
    password: TEST_PASSWORD,
    ...tenancy,
  });
  // HTTPS on a free port too (never the default 8443: test files run in parallel), whatever else a
  // test sets in server.
  const { server = {}, ...rest } = extra as { server?: Record<string, unknown> };
  const https = { port: 0, ...(server.https as Record<string, unknown> | undefined) };
  return {
    server: { port: 0, logLevel: 'silent', ...server, https },
    store: { path: join(dir, 'jianhu.db'), dataDir: dir },
    mqtt: { embedded: false },
    detect: { enabled: false },
    regions: [
      { id: 'zezhou', name: '泽州县' },
      { id: 'other-county', name: '外县' },
    ],
    enterprises: [
      { id: 'ent-a', name: '甲钢铁', regionId: 'zezhou' },
      { id: 'ent-b', name: '乙铸造', regionId: 'zezhou' },
      { id: 'ent-c', name: '丙冶金', regionId: 'other-county' },
    ],
    sites: [
      { id: 'site-a', name: '甲-炼钢车间', enterpriseId: 'ent-a', cameras: [] },
      { id: 'site-b', name: '乙-铸造车间', enterpriseId: 'ent-b', cameras: [] },
    ],
    users: [
      user('welder-a', 'welder', { enterpriseId: 'ent-a' }),
      user('guardian-a', 'guardian', { enterpriseId: 'ent-a' }),
      user('safety-a', 'safety_officer', { enterpriseId: 'ent-a' }),
      user('approver-a', 'approver', { enterpriseId: 'ent-a' }),
      user('admin-a', 'enterprise_admin', { enterpriseId: 'ent-a' }),
      user('safety-b', 'safety_officer', { enterpriseId: 'ent-b' }),
      user('admin-b', 'enterprise_admin', { enterpriseId: 'ent-b' }),
      user('regulator-z', 'regulator', { regionId: 'zezhou' }),
      user('regulator-o', 'regulator', { regionId: 'other-county' }),
    ],
    ...rest,
  };
}

export interface TestService {
  dir: string;
  config: Config;
  services: AppServices & { close(): Promise<void> };
  app: FastifyInstance;
  clock: Clock;
  /** Signs in and returns the Authorization header value (`forget` drops a cached session). */
  login: SignIn;
  close(): Promise<void>;
}

/**
 * A real service on a real SQLite file in a temp folder, driven through inject(): every context built,
 * no broker, no camera processes, no detection (src/services.ts createServices).
 */
export async function startTestService(
  opts: {
    extra?: Record<string, unknown>;
    clock?: Clock;
    /** a broker, a detector's labels or a camera liveness for the contexts (see AssembleOptions) */
    assemble?: Omit<AssembleOptions, 'mqtt'> & { mqtt?: MqttBus | null };
  } = {},
): Promise<TestService> {
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-test-'));
  const config = validateConfig(testConfigInput(dir, opts.extra));
  const clock = opts.clock ?? new FakeClock(Date.now());
  const services = await createServices(config, {
    clock,
    logger: createLogger('silent'),
    ...opts.assemble,
  });
  const app = await buildApp(services, { logRequests: false });
  await app.ready();
  return {
    dir,
    config,
    services,
    app,
    clock,
    login: signInWith(app),
    async close() {
      await app.close();
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The whole service as `jianhu serve` runs it (every module, embedded MQTT on a free port, HTTP on a
 * free port), on a temp SQLite file; detection off and no cameras unless `extra` says otherwise.
 */
export async function startFullTestService(opts: { extra?: Record<string, unknown> } = {}) {
  const { startService } = await import('../../src/main.ts');
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-full-'));
  const input = testConfigInput(dir, { mqtt: { embedded: true, port: 0 }, ...opts.extra });
  const config = validateConfig(input);
  const service = await startService(config);
  const app = service.app;
  return {
    dir,
    config,
    service,
    app,
    login: signInWith(app),
    async close() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs a test user in and returns the Authorization header value. */
export interface SignIn {
  (username: string): Promise<string>;
  /** Drops the user's cached session, e.g. once a fake clock has moved past its lifetime. */
  forget(username: string): void;
}

/** Signs test users in through the real login route, once each (the route is rate-limited). */
export function signInWith(app: FastifyInstance): SignIn {
  const tokens = new Map<string, string>();
  const signIn = async (username: string) => {
    const cached = tokens.get(username);
    if (cached) return cached;
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: TEST_PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.body}`);
    const header = `Bearer ${(res.json() as { token: string }).token}`;
    tokens.set(username, header);
    return header;
  };
  return Object.assign(signIn, { forget: (username: string) => void tokens.delete(username) });
}
