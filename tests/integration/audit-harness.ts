import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { AppServices } from '../../src/app-services.ts';
import type { OversightContext } from '../../src/oversight/module.ts';
import { validateConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';
import { createServices } from '../../src/services.ts';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import { signInWith, testConfigInput } from '../helpers/test-service.ts';
import { certifyWorkers } from '../helpers/certificates.ts';

/** A real service (temp SQLite file, real data folder) with the permits and audit modules wired. */
export interface AuditHarness {
  dir: string;
  config: Config;
  app: FastifyInstance;
  services: AppServices & { close(): Promise<void> };
  audit: OversightContext;
  clock: FakeClock;
  login(username: string): Promise<string>;
  call(
    user: string,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> & { code?: string } }>;
  /** closes the service; keeps the folder when `keep` (for tampering with the files afterwards) */
  close(keep?: boolean): Promise<void>;
}

export const SITE_A = {
  id: 'site-a',
  name: '甲-炼钢车间',
  enterpriseId: 'ent-a',
  cameras: [
    { id: 'cam-weld', name: '焊接点', url: 'rtsp://127.0.0.1:1/weld' },
    { id: 'cam-tank', name: '储罐', url: 'rtsp://127.0.0.1:1/tank' },
  ],
};

export async function startAuditHarness(start = Date.UTC(2026, 0, 5, 0, 0, 0)): Promise<AuditHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'jianhu-audit-'));
  const base = testConfigInput(dir);
  const config = validateConfig({ ...base, sites: [SITE_A, (base.sites as unknown[])[1]] });
  const clock = new FakeClock(start);
  const services = await createServices(config, { clock, logger: createLogger('silent') });
  // the permits these tests run name welder-a: a hot-work permit needs his 焊接与热切割作业 card
  certifyWorkers(services, ['welder-a']);
  const audit = services.oversight;
  const app = await buildApp(services, { logRequests: false });
  await app.ready();
  const parse = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
    const json = String(res.headers['content-type'] ?? '').startsWith('application/json');
    return {
      status: res.statusCode,
      body: json && res.body ? (JSON.parse(res.body) as never) : ({} as never),
    };
  };
  const login = signInWith(app);
  return {
    dir,
    config,
    app,
    services,
    audit,
    clock,
    login,
    async call(user, method, url, payload) {
      let res = await app.inject({
        method,
        url,
        headers: { authorization: await login(user) },
        ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
      });
      if (res.statusCode !== 401) return parse(res);
      login.forget(user); // the fake clock moved past the session's lifetime: sign in again
      res = await app.inject({
        method,
        url,
        headers: { authorization: await login(user) },
        ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
      });
      return parse(res);
    },
    async close(keep = false) {
      await app.close();
      await services.close();
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A real small JPEG (base64), different per seed. */
export async function jpeg(seed: number): Promise<string> {
  const buf = await sharp({
    create: { width: 16, height: 12, channels: 3, background: { r: (seed * 40) % 256, g: 80, b: 120 } },
  })
    .jpeg()
    .toBuffer();
  return buf.toString('base64');
}
