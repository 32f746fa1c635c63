import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateMachineKey, signQr } from '../../src/work/machines/machine-token.ts';
import { startFullTestService, TEST_PASSWORD } from '../helpers/test-service.ts';

/**
 * Hostile input beyond the schema fuzz: stored paths that point out of the evidence folder (a tampered
 * row, a planted symlink), traversal in URLs, oversized uploads, QR tokens forged with another key,
 * expired or rotated, and password guessing (rate-limited per account and address).
 * Replay and one-character forgeries are in tests/integration/permits-hot-work-day.test.ts.
 */
let t: Awaited<ReturnType<typeof startFullTestService>>;
let hazardId = 0;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);

const req = async (user: string | null, method: string, url: string, payload?: unknown) =>
  t.app.inject({
    method: method as 'GET',
    url,
    headers: user ? { authorization: await t.login(user) } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

beforeAll(async () => {
  t = await startFullTestService({ extra: { evidence: { clips: false } } });
  const h = await req('safety-a', 'POST', '/api/hazards', {
    enterpriseId: 'ent-a',
    source: 'inspection',
    stage: 'self_check',
    checker: '李工',
    description: '护栏缺失',
    hazardType: '防护',
    photos: [PNG.toString('base64')],
  });
  expect(h.statusCode, h.body).toBe(201);
  hazardId = h.json().id;
  const m = await req('admin-a', 'POST', '/api/machines', {
    id: 'M1',
    name: '焊机',
    siteId: 'site-a',
    lat: 35.49,
    lon: 112.85,
  });
  expect(m.statusCode, m.body).toBe(201);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('paths out of the evidence folder', () => {
  const db = () => t.service.services.db;
  const now = () => new Date().toISOString();

  it('hazard photo rows pointing at secrets, the database or a symlink out are 404, never served', async () => {
    const dir = join(t.dir, 'evidence', 'hazards', 'ent-a');
    mkdirSync(dir, { recursive: true });
    symlinkSync('/etc/passwd', join(dir, 'planted.png'));
    const insert = db().prepare(
      `INSERT INTO hazard_photos (hazard_id, kind, path, sha256, bytes, mime, at) VALUES (?, 'before', ?, 'x', 1, 'image/png', ?)`,
    );
    const evil = [
      'secrets/machine-qr.key',
      'jianhu.db',
      '../../../../etc/passwd',
      '/etc/passwd',
      'evidence/hazards/ent-a/planted.png',
    ];
    for (const path of evil) {
      const id = Number(insert.run(hazardId, path, now()).lastInsertRowid);
      const res = await req('safety-a', 'GET', `/api/hazards/${hazardId}/photos/${id}`);
      expect.soft(res.statusCode, path).toBe(404);
      expect.soft(res.body, path).not.toMatch(/root:|SQLite format/);
    }
  });

  it('evidence rows pointing out of the evidence folder are 404', async () => {
    const v = db()
      .prepare(
        `INSERT INTO violations (enterprise_id, site_id, camera_id, type, severity, state, started_at, last_seen_at, review)
         VALUES ('ent-a', 'site-a', 'cam-x', 'no_helmet', 'high', 'ended', ?, ?, 'pending')`,
      )
      .run(now(), now());
    const evDir = join(t.dir, 'evidence', 'snapshot');
    mkdirSync(evDir, { recursive: true });
    symlinkSync(join(t.dir, 'jianhu.db'), join(evDir, 'planted.jpg'));
    const ins = db().prepare(
      `INSERT INTO evidence (violation_id, enterprise_id, camera_id, kind, path, sha256, bytes, mime, created_at)
       VALUES (?, 'ent-a', 'cam-x', 'snapshot', ?, 'x', 1, 'image/jpeg', ?)`,
    );
    for (const path of ['../jianhu.db', '../secrets/machine-qr.key', '/etc/passwd', 'snapshot/planted.jpg']) {
      const id = Number(ins.run(v.lastInsertRowid, path, now()).lastInsertRowid);
      const res = await req('safety-a', 'GET', `/api/evidence/${id}`);
      expect.soft(res.statusCode, path).toBe(404);
      expect.soft(res.body, path).not.toMatch(/root:|SQLite format/);
    }
  });

  it('traversal in URLs finds nothing', async () => {
    for (const url of [
      '/api/evidence/..%2F..%2Fjianhu.db',
      '/api/evidence/%2e%2e%2fsecrets',
      '/ui/..%2F..%2Fpackage.json',
      '/ui/%2e%2e/%2e%2e/package.json',
      '/api/hazards/1/photos/..%2F..%2Fjianhu.db',
    ]) {
      const res = await req('safety-a', 'GET', url);
      expect.soft(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect.soft(res.statusCode, url).toBeLessThan(500);
      expect.soft(res.body, url).not.toMatch(/"name": "jianhu"|SQLite format/);
    }
  });
});

describe('oversized uploads', () => {
  it('a body over the limit is refused with a coded 413 before it is parsed', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x41).toString('base64');
    const res = await req('safety-a', 'POST', '/api/hazards', {
      enterpriseId: 'ent-a',
      source: 'inspection',
      stage: 'self_check',
      checker: 'x',
      description: 'x',
      hazardType: 'x',
      photos: [big],
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toMatch(/^JH_ERR_/);
  });

  it('too many photos, a photo that is not an image, a huge password: coded 400', async () => {
    const base = {
      enterpriseId: 'ent-a',
      source: 'inspection',
      stage: 'self_check',
      checker: 'x',
      hazardType: 'x',
    };
    const many = await req('safety-a', 'POST', '/api/hazards', {
      ...base,
      description: 'x',
      photos: Array.from({ length: 7 }, () => PNG.toString('base64')),
    });
    expect([many.statusCode, many.json().code]).toEqual([400, 'JH_ERR_HTTP_VALIDATION']);
    const exe = await req('safety-a', 'POST', '/api/hazards', {
      ...base,
      description: 'x',
      photos: [Buffer.from('MZ\x90\x00 not an image at all').toString('base64')],
    });
    expect([exe.statusCode, exe.json().code]).toEqual([400, 'JH_ERR_HAZARD_PHOTO_INVALID']);
    const pw = await req(null, 'POST', '/api/auth/login', {
      username: 'safety-a',
      password: 'x'.repeat(100_000),
    });
    expect(pw.statusCode).toBe(400);
  });
});

describe('QR tokens', () => {
  const scan = (qr: string) =>
    req('welder-a', 'POST', '/api/scan', {
      qr,
      nonce: randomBytes(12).toString('base64url'),
      scannedAt: new Date().toISOString(),
      lat: 35.49,
      lon: 112.85,
      accuracyM: 5,
    });
  const now = () => Math.floor(Date.now() / 1000);

  it('forged with another key, for another machine, expired, or rotated away: coded refusals', async () => {
    const key = loadOrCreateMachineKey(t.dir);
    const other = randomBytes(32);
    expect((await scan(signQr(other, { machineId: 'M1', version: 1, iat: now() }))).json().code).toBe(
      'JH_ERR_SCAN_TOKEN_INVALID',
    );
    expect(
      (await scan(signQr(key, { machineId: 'M1', version: 1, iat: now() - 400 * 86_400 }))).json().code,
    ).toBe('JH_ERR_SCAN_TOKEN_EXPIRED');
    const unknown = await scan(signQr(key, { machineId: 'NOPE', version: 1, iat: now() }));
    expect(unknown.statusCode).toBeGreaterThanOrEqual(400);
    expect(unknown.statusCode).toBeLessThan(500);
    const rotated = await req('admin-a', 'POST', '/api/machines/M1/qr/rotate');
    expect(rotated.statusCode).toBeLessThan(300);
    expect((await scan(signQr(key, { machineId: 'M1', version: 1, iat: now() }))).json().code).toBe(
      'JH_ERR_SCAN_TOKEN_REVOKED',
    );
    // none of these were let through to a permit check
    const scans = (await req('admin-a', 'GET', '/api/machines/M1/scans')).json() as { result: string }[];
    expect(scans.every((s) => s.result !== 'ok' && s.result !== 'accepted')).toBe(true);
  });

  it('a forged work authorisation does not power a machine: the chip report is a violation', async () => {
    const res = await req('admin-a', 'POST', '/api/machines/M1/telemetry', {
      powered: true,
      currentA: 150,
      authorisation: `JHA1.${randomBytes(40).toString('base64url')}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().verdict).toMatch(/no_permit|violation/);
  });
});

describe('password guessing', () => {
  const login = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

  it('is rate-limited per account: the 11th try in a minute is 429, even with the right password', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await login('approver-a', `guess-${i}`)).statusCode);
    expect(codes).toEqual(Array(10).fill(401));
    const blocked = await login('approver-a', TEST_PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('JH_ERR_HTTP_RATE_LIMITED');
    expect(blocked.body).not.toContain('token');
    // another account from the same address is not locked out by it
    expect((await login('guardian-a', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('a wrong password and an unknown user get the same answer', async () => {
    const a = await login('guardian-a', 'wrong');
    const b = await login('no-such-user', 'wrong');
    expect([a.statusCode, a.json().code, a.json().message]).toEqual([
      b.statusCode,
      b.json().code,
      b.json().message,
    ]);
  });
});
