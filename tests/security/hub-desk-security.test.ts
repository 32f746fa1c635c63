import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from 'nats';
import { createHash } from 'node:crypto';
import { validateHubConfig } from '../../src/hub/config.ts';
import { startHub, type RunningHub } from '../../src/hub/hub.ts';
import { startNats, type NatsProcess } from '../helpers/nats-process.ts';
import { startPgCluster, type PgCluster } from '../helpers/pg-cluster.ts';
import {
  HUB_TEST_PASSWORD,
  SimBox,
  hubConfigInput,
  publish,
  violationPayload,
  waitFor,
} from '../helpers/hub-sim.ts';

/**
 * The hub desk's attack surface: sign-in and the session cookie (CSRF from another origin or port,
 * no session, a session after logout), region scoping, and evidence on demand (a box answering with
 * bytes other than those its chain committed to is refused).
 */
let pgc: PgCluster;
let nats: NatsProcess;
let nc: NatsConnection;
let hub: RunningHub;
const box = new SimBox('box-a', ['ent-a']);
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function signIn(username = 'reg-z'): Promise<{ cookie: string; token: string }> {
  const r = await fetch(`${hub.url}/api/hub/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: HUB_TEST_PASSWORD }),
  });
  expect(r.status).toBe(200);
  const setCookie = r.headers.get('set-cookie')!;
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  return { cookie: setCookie.split(';')[0]!, token: ((await r.json()) as { token: string }).token };
}

beforeAll(async () => {
  [pgc, nats] = await Promise.all([startPgCluster(), startNats()]);
  nc = await connect({ servers: nats.url });
  hub = await startHub(validateHubConfig(hubConfigInput(nats.url, pgc.url), {}));
  const js = nc.jetstream();
  await publish(js, box.next('violation.started', 'ent-a', violationPayload(7, 'cam-1', 'active')));
  await publish(
    js,
    box.next('evidence.stored', 'ent-a', {
      evidenceId: 1,
      violationId: 7,
      cameraId: 'cam-1',
      kind: 'snapshot',
      sha256: sha(PNG),
      bytes: PNG.length,
    }),
  );
  await publish(js, box.next('violation.started', 'ent-a', violationPayload(8, 'cam-1', 'active')));
  await waitFor('violations in the hub', async () => {
    const r = await hub.pool.query('SELECT seq FROM hub_box_heads WHERE box_id = $1', ['box-a']);
    return Number(r.rows[0]?.seq) === 3 ? true : undefined;
  });
}, 120_000);

afterAll(async () => {
  await hub?.stop();
  await nc?.close();
  await nats?.remove();
  await pgc?.stop();
});

describe('hub desk: sessions and CSRF', () => {
  it('refuses wrong passwords and calls without a session, both with coded 401s', async () => {
    const bad = await fetch(`${hub.url}/api/hub/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'reg-z', password: 'wrong-password' }),
    });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { code: string }).code).toBe('JH_ERR_AUTH_BAD_CREDENTIALS');
    const none = await fetch(`${hub.url}/api/hub/overview`);
    expect(none.status).toBe(401);
    const forged = await fetch(`${hub.url}/api/hub/overview`, {
      headers: { cookie: 'jh_hub_token=AAAAAAAAAAAAAAAAAAAA' },
    });
    expect(((await forged.json()) as { code: string }).code).toBe('JH_ERR_AUTH_INVALID_TOKEN');
  });

  it('refuses a cookie-borne call from another origin (another port of the same host included)', async () => {
    const { cookie } = await signIn();
    const own = await fetch(`${hub.url}/api/hub/overview`, { headers: { cookie } });
    expect(own.status).toBe(200);
    const otherPort = `http://127.0.0.1:${hub.port + 1}`;
    const read = await fetch(`${hub.url}/api/hub/overview`, { headers: { cookie, origin: otherPort } });
    expect(read.status).toBe(403);
    // a form post from another page: no Origin of ours, no JSON
    const form = await fetch(`${hub.url}/api/hub/logout`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(403);
    const noHeader = await fetch(`${hub.url}/api/hub/logout`, {
      method: 'POST',
      headers: { cookie, origin: hub.url, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(noHeader.status).toBe(415);
    expect((await fetch(`${hub.url}/api/hub/overview`, { headers: { cookie } })).status).toBe(200); // still signed in
  });

  it('ends the session on logout', async () => {
    const { cookie } = await signIn();
    const out = await fetch(`${hub.url}/api/hub/logout`, {
      method: 'POST',
      headers: { cookie, origin: hub.url, 'x-jianhu-request': '1' },
    });
    expect(out.status).toBe(204);
    expect((await fetch(`${hub.url}/api/hub/overview`, { headers: { cookie } })).status).toBe(401);
  });
});

describe('hub desk: evidence on demand from the box', () => {
  it('fetches the file over NATS and checks it against the hash in the box chain', async () => {
    const responder = nc.subscribe('jianhu.rpc.box-a.evidence');
    void (async () => {
      for await (const m of responder) {
        const { violationId } = JSON.parse(m.string()) as { violationId: number };
        // for violation 8 the "box" hands over other bytes than any its chain recorded
        const data = violationId === 7 ? PNG : Buffer.concat([PNG, Buffer.from('x')]);
        m.respond(
          JSON.stringify({
            ok: true,
            contentType: 'image/png',
            sha256: sha(data),
            dataBase64: data.toString('base64'),
          }),
        );
      }
    })();
    await nc.flush();
    const { token } = await signIn();
    const auth = { authorization: `Bearer ${token}` };
    const ok = await fetch(`${hub.url}/api/hub/violations/box-a/7/evidence`, { headers: auth });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await ok.arrayBuffer()).equals(PNG)).toBe(true);
    // violation 8 has no chained evidence hash, but a box may not answer for violation 7 with other bytes
    const other = await fetch(`${hub.url}/api/hub/violations/box-a/8/evidence`, { headers: auth });
    expect(other.status).toBe(200);
    await hub.pool.query('UPDATE hub_violations SET evidence_sha256 = $1 WHERE violation_id = 8', [sha(PNG)]);
    const tampered = await fetch(`${hub.url}/api/hub/violations/box-a/8/evidence`, { headers: auth });
    expect(tampered.status).toBe(502);
    expect(((await tampered.json()) as { code: string }).code).toBe('JH_ERR_HUB_EVIDENCE_MISMATCH');
    responder.unsubscribe();
    await nc.flush();
    const gone = await fetch(`${hub.url}/api/hub/violations/box-a/7/evidence`, { headers: auth });
    expect(gone.status).toBe(503);
    // another county's regulator cannot reach box-a's evidence at all
    const o = await signIn('reg-o');
    const foreign = await fetch(`${hub.url}/api/hub/violations/box-a/7/evidence`, {
      headers: { authorization: `Bearer ${o.token}` },
    });
    expect(foreign.status).toBe(404);
  });
});
