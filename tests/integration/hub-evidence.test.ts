import { createHash } from 'node:crypto';
import { connect, nkeyAuthenticator, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraRef } from '../../src/supervision/zones/cameras.ts';
import type { HubLink } from '../../src/platform/uplink/hub-link.ts';
import { startHubUplink } from '../../src/hub-uplink.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { TestNatsServer } from '../helpers/nats-server.ts';

/** Issue #24: the hub fetches a violation's snapshot from the box over NATS request/reply. */
const SITE = {
  id: 'site-a',
  name: '甲-炼钢车间',
  enterpriseId: 'ent-a',
  cameras: [{ id: 'cam-weld', name: '焊接点', url: 'rtsp://127.0.0.1:1/weld' }],
};
let nats: TestNatsServer;
let hub: NatsConnection;
let t: TestService;
let link: HubLink;
let violationId: number;
let storedSha: string;

const ask = async (body: string) => {
  const r = await hub.request('jianhu.rpc.box-a.evidence', new TextEncoder().encode(body), { timeout: 5000 });
  return JSON.parse(new TextDecoder().decode(r.data)) as Record<string, unknown>;
};

beforeAll(async () => {
  nats = new TestNatsServer([{ boxId: 'box-a', enterprises: ['ent-a', 'ent-b'] }]);
  await nats.start();
  t = await startTestService({
    extra: {
      sites: [SITE],
      hub: { servers: [nats.url], boxId: 'box-a', nkeySeedFile: nats.boxUsers.get('box-a')!.seedFile },
    },
  });
  const cam: CameraRef = { camera: SITE.cameras[0] as never, site: SITE as never, enterpriseId: 'ent-a' };
  const ts = t.clock.now();
  const touched = t.services.supervision.violations!.apply(cam, [
    {
      kind: 'started',
      violation: {
        key: 'no_helmet|7',
        type: 'no_helmet',
        severity: 'high',
        cameraId: 'cam-weld',
        trackId: 7,
        zoneId: null,
        startTs: ts,
        lastTs: ts,
        endTs: null,
        box: null,
        detail: {},
      },
    },
  ]);
  violationId = touched[0]!.record.id;
  const rec = await t.services.video.evidence.storeSnapshot(
    { violationId, enterpriseId: 'ent-a', cameraId: 'cam-weld' },
    {
      width: 32,
      height: 24,
      rgb: Buffer.alloc(32 * 24 * 3, 90),
      boxes: [],
      zones: [],
      title: '未戴安全帽',
      ts,
    },
  );
  storedSha = rec.sha256;
  link = startHubUplink(t.services)!;
  hub = await connect({
    servers: nats.url,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(nats.hub.seed)),
  });
  const end = Date.now() + 10_000;
  while (!link.status().connected && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
});
afterAll(async () => {
  await link?.stop();
  await hub?.close();
  await t?.close();
  await nats?.close();
});

describe('evidence on demand over NATS', () => {
  it('answers a violation’s snapshot with its bytes and their recorded sha256', async () => {
    const r = await ask(JSON.stringify({ violationId }));
    expect(r).toMatchObject({ ok: true, violationId, contentType: 'image/jpeg', sha256: storedSha });
    const data = Buffer.from(r.dataBase64 as string, 'base64');
    expect(createHash('sha256').update(data).digest('hex')).toBe(storedSha);
    expect(data.subarray(0, 2).toString('hex')).toBe('ffd8'); // a JPEG
  });

  it('refuses with a code: an unknown violation, a malformed request', async () => {
    expect(await ask(JSON.stringify({ violationId: violationId + 1000 }))).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await ask('{"violationId":"1 OR 1=1"}')).toMatchObject({ ok: false, code: 'bad_request' });
    expect(await ask('not json')).toMatchObject({ ok: false, code: 'bad_request' });
  });
});
