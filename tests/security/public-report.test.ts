import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullTestService } from '../helpers/test-service.ts';

/**
 * The attacker's view of 群众举报: the two public routes (file a report, read a receipt) taken by
 * someone with no account. A flood is cut off per address, bad photos and forged tokens get coded
 * refusals and make no hazard, receipts cannot be guessed, nothing of the enterprise leaks, and a
 * foreign page cannot make its visitors' browsers file reports (Origin + JSON, as for sessions).
 */
let t: Awaited<ReturnType<typeof startFullTestService>>;
let token = '';
const HOST = '127.0.0.1:8780';
const OWN = { host: HOST, origin: `http://${HOST}` };
const MARK = `MARK${randomBytes(4).toString('hex')}`;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);
let addr = 0;
/** Each test files from its own address, so one test's reports do not use up another's limit. */
const nextAddress = () => `10.0.${Math.floor(++addr / 250)}.${addr % 250}`;

const file = (body: Record<string, unknown>, opts: { ip?: string; headers?: Record<string, string> } = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/public/reports',
    remoteAddress: opts.ip ?? nextAddress(),
    headers: { ...OWN, ...opts.headers },
    payload: body,
  });
const status = (receipt: string, ip: string) =>
  t.app.inject({ url: `/api/public/reports/${encodeURIComponent(receipt)}`, remoteAddress: ip });
const as = async (user: string, method: string, url: string, payload?: unknown) =>
  t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: await t.login(user) },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const hazardCount = () =>
  (t.service.services.db.prepare('SELECT count(*) AS n FROM hazards').get() as { n: number }).n;

beforeAll(async () => {
  t = await startFullTestService();
  const ch = await as('admin-a', 'GET', '/api/enterprises/ent-a/report-channel');
  expect(ch.statusCode, ch.body).toBe(200);
  token = new URL(ch.json().url as string).hash.replace('#t=', '');
  // an internal hazard of the same enterprise: no public answer may ever carry it
  const h = await as('safety-a', 'POST', '/api/hazards', {
    enterpriseId: 'ent-a',
    source: 'inspection',
    stage: 'self_check',
    checker: `内部 ${MARK}`,
    description: `内部隐患 ${MARK}`,
    hazardType: '现场管理',
  });
  expect(h.statusCode).toBe(201);
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('public report channel (security)', () => {
  it('a report from the poster becomes a 群众举报 hazard of that enterprise only', async () => {
    const res = await file({
      token,
      description: '3号皮带机护罩缺失',
      place: '原料场',
      contact: '13800000000',
      photo: PNG.toString('base64'),
    });
    expect(res.statusCode, res.body).toBe(201);
    const { receipt } = res.json() as { receipt: string };
    expect(receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const list = (await as('safety-a', 'GET', '/api/hazards?stage=public_report')).json().items as {
      id: number;
      source: string;
      description: string;
    }[];
    const mine = list.find((h) => h.description === '3号皮带机护罩缺失')!;
    expect(mine.source).toBe('public');
    const seenByRegulator = await as('regulator-z', 'GET', `/api/hazards/${mine.id}`);
    expect(seenByRegulator.statusCode).toBe(200);
    // registered by the system actor (id 0, disabled), which left the accounts' ids as they were
    expect(seenByRegulator.json().registeredBy).toBe(0);
    expect(t.service.services.users.findAny(0)).toMatchObject({ disabled: true, enterpriseId: null });
    expect(t.service.services.users.byUsername('welder-a')!.userId).toBe(1);
    expect((await as('safety-b', 'GET', `/api/hazards/${mine.id}`)).statusCode).toBe(404);
    // only the receipt's hash is stored
    const stored = t.service.services.db.prepare('SELECT receipt_hash FROM public_reports').all() as {
      receipt_hash: string;
    }[];
    expect(JSON.stringify(stored)).not.toContain(receipt.replace(/-/g, ''));
    // the contact is the regulator's to see, not the reported enterprise's
    const forOfficer = (await as('safety-a', 'GET', `/api/hazards/${mine.id}/public-report`)).json();
    expect(forOfficer).toMatchObject({ anonymous: false, contact: null });
    const forRegulator = (await as('regulator-z', 'GET', `/api/hazards/${mine.id}/public-report`)).json();
    expect(forRegulator.contact).toBe('13800000000');
    expect((await as('safety-b', 'GET', `/api/hazards/${mine.id}/public-report`)).statusCode).toBe(404);
  });

  it('an anonymous flood from one address is refused with 429 after 5 reports', async () => {
    const ip = nextAddress();
    const before = hazardCount();
    const codes: number[] = [];
    for (let i = 0; i < 8; i++)
      codes.push((await file({ token, description: `刷屏 ${i}` }, { ip })).statusCode);
    expect(codes).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    const limited = await file({ token, description: '再来' }, { ip });
    expect(limited.json().code).toBe('JH_ERR_HTTP_RATE_LIMITED');
    expect(hazardCount()).toBe(before + 5);
    // the limit is per address: another phone still gets through
    expect((await file({ token, description: '另一部手机' })).statusCode).toBe(201);
  });

  it('refuses oversized and non-image photos with coded 4xx, and registers nothing', async () => {
    const before = hazardCount();
    const jpegHead = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const big = Buffer.concat([jpegHead, randomBytes(2.2 * 1024 * 1024)]).toString('base64');
    const tooBig = await file({ token, description: '大图', photo: big });
    expect([tooBig.statusCode, tooBig.json().code]).toEqual([413, 'JH_ERR_PUBLIC_REPORT_PHOTO_TOO_LARGE']);
    const huge = Buffer.concat([jpegHead, randomBytes(3.5 * 1024 * 1024)]).toString('base64');
    const overBody = await file({ token, description: '超大', photo: huge });
    expect([overBody.statusCode, overBody.json().code]).toEqual([413, 'JH_ERR_HTTP_BODY_TOO_LARGE']);
    for (const notImage of [
      Buffer.from('<html><script>alert(1)</script></html>'),
      Buffer.from('%PDF-1.7\n'),
      Buffer.from('GIF89a....'),
    ]) {
      const res = await file({ token, description: '假图', photo: notImage.toString('base64') });
      expect([res.statusCode, res.json().code]).toEqual([400, 'JH_ERR_HAZARD_PHOTO_INVALID']);
    }
    const notBase64 = await file({ token, description: '乱码', photo: '<<<not base64>>>' });
    expect([notBase64.statusCode, notBase64.json().code]).toEqual([400, 'JH_ERR_HAZARD_PHOTO_INVALID']);
    const blank = await file({ token, description: '   ' });
    expect([blank.statusCode, blank.json().code]).toEqual([400, 'JH_ERR_PUBLIC_REPORT_DESCRIPTION_EMPTY']);
    const extra = await file({ token, description: 'x', enterpriseId: 'ent-b' });
    expect(extra.statusCode).toBe(400);
    expect(hazardCount()).toBe(before);
  });

  it('a forged, malformed or rotated-away token is a coded 404', async () => {
    const before = hazardCount();
    for (const forged of [randomBytes(18).toString('base64url'), 'x', '../../etc/passwd', "' OR 1=1 --", ''])
      expect
        .soft((await file({ token: forged, description: '伪造' })).json().code)
        .toBe('JH_ERR_PUBLIC_REPORT_TOKEN_UNKNOWN');
    // rotating voids every printed poster; only an admin may rotate
    expect((await as('safety-a', 'POST', '/api/enterprises/ent-a/report-channel/rotate')).statusCode).toBe(
      403,
    );
    expect((await as('admin-b', 'POST', '/api/enterprises/ent-a/report-channel/rotate')).statusCode).toBe(
      404,
    );
    const rotated = await as('admin-a', 'POST', '/api/enterprises/ent-a/report-channel/rotate');
    const fresh = new URL(rotated.json().url as string).hash.replace('#t=', '');
    expect(fresh).not.toBe(token);
    const old = await file({ token, description: '旧海报' });
    expect([old.statusCode, old.json().code]).toEqual([404, 'JH_ERR_PUBLIC_REPORT_TOKEN_UNKNOWN']);
    expect(hazardCount()).toBe(before);
    expect((await file({ token: fresh, description: '新海报' })).statusCode).toBe(201);
    token = fresh;
  });

  it('guessing receipts yields nothing: one 404 code for unknown and malformed, then 429', async () => {
    const ip = nextAddress();
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const guess = () => [...randomBytes(12)].map((b) => alphabet[b % 32]).join('');
    const answers = new Set<string>();
    for (const r of [
      ...Array.from({ length: 24 }, guess),
      'x',
      '../../etc/passwd',
      "' OR 1=1 --",
      '%00',
      '🚧',
      'AAAA-BBBB-CCCC',
    ]) {
      const res = await status(r, ip);
      answers.add(`${res.statusCode} ${res.json().code}`);
    }
    expect([...answers]).toEqual(['404 JH_ERR_PUBLIC_REPORT_RECEIPT_UNKNOWN']);
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await status(guess(), ip)).statusCode);
    expect(codes).toContain(429);
  });

  it('public answers carry the status in words only, never the hazard or the enterprise', async () => {
    const filed = await file({
      token,
      description: `我的举报 ${MARK}`,
      place: `地点 ${MARK}`,
      contact: MARK,
    });
    const { receipt, status: first } = filed.json();
    expect(Object.keys(first).sort()).toEqual(['receipt', 'reportedOn', 'status', 'statusEn', 'statusZh']);
    const ip = nextAddress();
    const read = await status(receipt.toLowerCase().replace(/-/g, ' '), ip);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ ...first, statusZh: '已受理' });
    for (const body of [filed.body, read.body]) {
      expect(body).not.toContain(MARK);
      expect(body).not.toContain('甲钢铁');
      expect(body).not.toContain('ent-a');
      expect(body).not.toMatch(/"(id|hazardId|enterpriseId)"/);
    }
    // the system actor that registers reports cannot sign in
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'system:public-report', password: '!' },
    });
    expect(login.statusCode).toBeGreaterThanOrEqual(400);
    expect(login.statusCode).toBeLessThan(500);
  });

  it('a cross-site post cannot file a report (foreign Origin, no Origin, or a form body)', async () => {
    const before = hazardCount();
    const evil = await file({ token, description: '跨站' }, { headers: { origin: 'http://evil.example' } });
    expect([evil.statusCode, evil.json().code]).toEqual([403, 'JH_ERR_HTTP_CROSS_ORIGIN']);
    // another port of the same host is another origin (the case of tests/security/csrf-same-site)
    const port = await file(
      { token, description: '同主机' },
      { headers: { origin: 'http://127.0.0.1:9999' } },
    );
    expect(port.json().code).toBe('JH_ERR_HTTP_CROSS_ORIGIN');
    const none = await t.app.inject({
      method: 'POST',
      url: '/api/public/reports',
      remoteAddress: nextAddress(),
      headers: { host: HOST },
      payload: { token, description: '无来源' },
    });
    expect(none.json().code).toBe('JH_ERR_HTTP_CROSS_ORIGIN');
    // what an HTML form can send, even from our own origin: not JSON
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const form = await t.app.inject({
        method: 'POST',
        url: '/api/public/reports',
        remoteAddress: nextAddress(),
        headers: { ...OWN, 'content-type': type },
        payload: `token=${token}&description=form`,
      });
      expect.soft([form.statusCode, form.json().code], type).toEqual([415, 'JH_ERR_HTTP_NEEDS_JSON']);
    }
    expect(hazardCount()).toBe(before);
  });

  it('the poster is an A4 PNG for the enterprise’s staff, not for other tenants', async () => {
    const res = await as('safety-a', 'GET', '/api/enterprises/ent-a/report-poster.png');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.rawPayload.readUInt32BE(16)).toBe(1240);
    expect(res.rawPayload.readUInt32BE(20)).toBe(1754);
    for (const who of ['safety-b', 'regulator-o'])
      expect((await as(who, 'GET', '/api/enterprises/ent-a/report-poster.png')).statusCode).toBe(
        who === 'regulator-o' ? 403 : 404,
      );
    expect((await t.app.inject({ url: '/api/enterprises/ent-a/report-poster.png' })).statusCode).toBe(401);
  });
});
