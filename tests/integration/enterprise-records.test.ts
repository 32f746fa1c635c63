import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { NESTED } from './enterprise-fixtures.ts';

/**
 * 一企一档 through the real API: regions nest (晋城市 → 泽州县 → 南村镇), the enterprise admin edits its
 * record, its regulators (of its region and the regions above) read it, everybody else gets 404, a
 * regulator editing gets 403; the record's writes go through the outbox.
 */
let t: TestService;
const req = async (who: string, method: 'GET' | 'PATCH' | 'POST', url: string, payload?: object) => {
  const r = await t.app.inject({
    method,
    url,
    headers: { authorization: await t.login(who) },
    ...(payload ? { payload } : {}),
  });
  return { status: r.statusCode, body: r.json() as Record<string, unknown> & { code?: string } };
};

const RECORD = {
  creditCode: '91350100m000100y43', // lower case is accepted and stored upper case
  address: '山西省晋城市泽州县巴公镇',
  industryClass: 'metallurgy',
  scale: 'medium',
  aboveDesignatedSize: true,
  mainHazards: ['煤气中毒', '高温熔融金属'],
  confinedSpaces: [
    { name: '1# 除尘器', location: '炼铁厂', medium: '煤气', hazards: ['一氧化碳中毒', '窒息'] },
  ],
  gasAreas: [{ name: '高炉炉顶', location: '炼铁厂 2# 高炉', level: 'class1' }],
  contacts: [{ name: '张安全', role: 'safety_manager', phone: '13800000000' }],
};

beforeAll(async () => {
  t = await startTestService({ extra: NESTED, clock: new FakeClock(Date.UTC(2026, 0, 5, 2)) });
});
afterAll(async () => t?.close());

describe('regions nest', () => {
  it('a regulator sees its region and every region below it, not above or beside', async () => {
    const seen = async (who: string) =>
      ((await req(who, 'GET', '/api/enterprises')).body as unknown as { id: string }[]).map((e) => e.id);
    expect(await seen('regulator-city')).toEqual(['ent-a', 'ent-b', 'ent-d']);
    expect(await seen('regulator-z')).toEqual(['ent-a', 'ent-b', 'ent-d']);
    expect(await seen('regulator-town')).toEqual(['ent-d']);
    expect(await seen('regulator-o')).toEqual(['ent-c']);
    expect(t.services.tenancy.regionIdsWithin('zezhou')).toEqual(['nancun', 'zezhou']);
    expect(t.services.tenancy.enterpriseIdsInRegion('nowhere')).toEqual([]);
  });
});

describe('一企一档', () => {
  it('starts empty, with the industry class taken from the config where it names one', async () => {
    const a = await req('admin-a', 'GET', '/api/enterprises/ent-a/record');
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      name: '甲钢铁',
      regionName: '泽州县',
      industryClass: 'metallurgy',
      version: 0,
    });
    expect((await req('admin-d', 'GET', '/api/enterprises/ent-d/record')).body.industryClass).toBe(
      'building_materials',
    );
  });

  it('the enterprise admin saves it; the event names the fields changed', async () => {
    const r = await req('admin-a', 'PATCH', '/api/enterprises/ent-a/record', { ...RECORD, version: 0 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      ...RECORD,
      creditCode: '91350100M000100Y43',
      version: 1,
      updatedBy: 'admin-a',
    });
    const events = t.services.db
      .prepare("SELECT payload FROM outbox WHERE type = 'enterprise.recordUpdated'")
      .all() as { payload: string }[];
    expect(events.map((e) => JSON.parse(e.payload))).toEqual([
      expect.objectContaining({
        enterpriseId: 'ent-a',
        version: 1,
        by: 'admin-a',
        changes: expect.arrayContaining(['creditCode', 'gasAreas', 'contacts', 'scale']),
      }),
    ]);
    // a stale version is refused; a partial patch keeps the rest
    const stale = await req('admin-a', 'PATCH', '/api/enterprises/ent-a/record', {
      address: 'x',
      version: 0,
    });
    expect([stale.status, stale.body.code]).toEqual([409, 'JH_ERR_ENTERPRISE_RECORD_CONFLICT']);
    const part = await req('admin-a', 'PATCH', '/api/enterprises/ent-a/record', {
      mainHazards: ['粉尘爆炸'],
    });
    expect(part.body).toMatchObject({ version: 2, mainHazards: ['粉尘爆炸'], gasAreas: RECORD.gasAreas });
    // null clears a field and false stays false (the app's AJV coerces types: null must not become false or '')
    const cleared = await req('admin-a', 'PATCH', '/api/enterprises/ent-a/record', {
      aboveDesignatedSize: null,
      scale: null,
      address: null,
    });
    expect(cleared.body).toMatchObject({ aboveDesignatedSize: null, scale: null, address: null, version: 3 });
    const back = await req('admin-a', 'PATCH', '/api/enterprises/ent-a/record', {
      aboveDesignatedSize: false,
      scale: 'medium',
      address: RECORD.address,
    });
    expect(back.body).toMatchObject({ aboveDesignatedSize: false, scale: 'medium', version: 4 });
  });

  it('refuses a credit code whose check character is wrong, and unknown codes', async () => {
    const bad = await req('admin-a', 'PATCH', '/api/enterprises/ent-a/record', {
      creditCode: '91350100M000100Y44',
    });
    expect([bad.status, bad.body.code, bad.body.details]).toEqual([
      400,
      'JH_ERR_ENTERPRISE_CREDIT_CODE_INVALID',
      { problem: 'checksum' },
    ]);
    for (const body of [
      { industryClass: 'mining' },
      { scale: 'huge' },
      { gasAreas: [{ name: 'x', location: '', level: 'class4' }] },
      { contacts: [{ name: 'x', role: 'boss', phone: '1380000' }] },
      { contacts: [{ name: 'x', role: 'principal', phone: 'call me' }] },
      { extra: 1 },
    ]) {
      const r = await req('admin-a', 'PATCH', '/api/enterprises/ent-a/record', body);
      expect([r.status, r.body.code], JSON.stringify(body)).toEqual([400, 'JH_ERR_HTTP_VALIDATION']);
    }
  });

  it('its regulators read it (the 县 and the 市); others get 404', async () => {
    for (const who of ['regulator-z', 'regulator-city', 'safety-a']) {
      const r = await req(who, 'GET', '/api/enterprises/ent-a/record');
      expect([who, r.status, r.body.creditCode]).toEqual([who, 200, '91350100M000100Y43']);
    }
    for (const who of ['regulator-o', 'regulator-town', 'admin-b']) {
      const r = await req(who, 'GET', '/api/enterprises/ent-a/record');
      expect([who, r.status, r.body.code]).toEqual([who, 404, 'JH_ERR_TENANCY_NOT_FOUND']);
    }
  });

  it('attackers: another enterprise’s admin PATCHing gets 404, a regulator 403, a safety officer 403; nothing changes', async () => {
    const before = (await req('admin-a', 'GET', '/api/enterprises/ent-a/record')).body;
    const evil = { address: '被篡改', creditCode: null };
    const b = await req('admin-b', 'PATCH', '/api/enterprises/ent-a/record', evil);
    expect([b.status, b.body.code]).toEqual([404, 'JH_ERR_TENANCY_NOT_FOUND']);
    for (const who of ['regulator-z', 'regulator-city', 'safety-a']) {
      const r = await req(who, 'PATCH', '/api/enterprises/ent-a/record', evil);
      expect([who, r.status]).toEqual([who, 403]);
    }
    // an enterprise that does not exist answers like another tenant's
    expect((await req('admin-b', 'PATCH', '/api/enterprises/nope/record', evil)).status).toBe(404);
    expect((await req('admin-a', 'GET', '/api/enterprises/ent-a/record')).body).toEqual(before);
  });
});
