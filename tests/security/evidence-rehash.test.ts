import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';

/**
 * #23: after a one-byte change to a stored snapshot, GET /api/evidence/:id still sent the sha256
 * recorded at storage. Now the route re-hashes the file first: a changed file is a coded 409 and a
 * chained `evidence.tampered` alarm, never bytes under the old hash.
 */
let t: TestService;
let id: number;
let file: string;

beforeAll(async () => {
  t = await startTestService();
  const rec = await t.services.video.evidence.storeSnapshot(
    { violationId: null, enterpriseId: 'ent-a', cameraId: 'cam-weld' },
    {
      width: 32,
      height: 24,
      rgb: Buffer.alloc(32 * 24 * 3, 90),
      boxes: [],
      zones: [],
      title: '测试',
      ts: t.clock.now(),
    },
  );
  id = rec.id;
  file = join(t.services.video.evidence.root, rec.path);
});
afterAll(async () => t?.close());

const download = async () =>
  t.app.inject({
    method: 'GET',
    url: `/api/evidence/${id}`,
    headers: { authorization: await t.login('safety-a') },
  });

describe('GET /api/evidence/:id re-hashes before it asserts a hash', () => {
  it('an intact file is sent with its sha256', async () => {
    const res = await download();
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('one changed byte → 409 JH_ERR_EVIDENCE_TAMPERED and an evidence.tampered alarm in the chain', async () => {
    const b = readFileSync(file);
    b[b.length - 5] = b[b.length - 5]! ^ 0x01;
    writeFileSync(file, b);
    const res = await download();
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'JH_ERR_EVIDENCE_TAMPERED' });
    expect(res.headers['x-content-sha256']).toBeUndefined();
    const alarm = t.services.db
      .prepare(
        "SELECT c.seq, o.payload FROM audit_chain c JOIN outbox o ON o.id = c.outbox_id WHERE c.type = 'evidence.tampered'",
      )
      .get() as { seq: number; payload: string } | undefined;
    expect(alarm).toBeDefined();
    expect(JSON.parse(alarm!.payload)).toMatchObject({ evidenceId: id, cameraId: 'cam-weld' });
  });
});
