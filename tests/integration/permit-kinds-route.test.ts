import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINDS } from '../../src/work/kinds/index.ts';
import { call, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

let h: PermitsHarness;
beforeAll(async () => {
  h = await startPermitsHarness();
});
afterAll(async () => h?.close());

describe('GET /api/permit-kinds and the kinds in the permit schema', () => {
  it('lists the registered kinds with zh/en names and levels to any signed-in user', async () => {
    const res = await h.app.inject({
      url: '/api/permit-kinds',
      headers: { authorization: await h.login('welder-a') },
    });
    expect(res.statusCode).toBe(200);
    const list = res.json() as { id: string; name: { zh: string }; levels: { id: string }[] }[];
    expect(list).toEqual(KINDS.summaries());
    expect(list.map((k) => [k.id, k.name.zh, k.levels.length])).toEqual([
      ['hot_work', '动火作业', 3],
      ['confined_space', '有限空间作业', 0],
      ['blind_plate', '盲板抽堵作业', 0],
      ['work_at_height', '高处作业', 4],
      ['lifting', '吊装作业', 3],
      ['temporary_power', '临时用电作业', 0],
      ['excavation', '动土作业', 0],
      ['road_closure', '断路作业', 0],
      ['gas_work', '煤气作业', 2],
    ]);
    expect((await h.app.inject({ url: '/api/permit-kinds' })).statusCode).toBe(401);
  });

  it('the create schema offers exactly the registered kind ids, as string literals', async () => {
    const doc = (await h.app.inject({ url: '/docs/json' })).json() as {
      paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: unknown }> } } }>;
    };
    const body = doc.paths['/api/permits']!.post!.requestBody.content['application/json']!.schema as {
      properties: { kind: { anyOf?: { const?: string; enum?: string[] }[]; enum?: string[] } };
    };
    const kind = body.properties.kind;
    const ids = kind.enum ?? kind.anyOf!.flatMap((s) => s.enum ?? [s.const!]);
    expect(ids).toEqual(KINDS.ids);
    const diving = { kind: 'diving', location: 'x', workers: [], guardian: undefined, cameraIds: [] };
    const refused = await call(h, 'safety-a', 'POST', '/api/permits', permitBody(h.clock.now(), diving));
    expect(refused.status).toBe(400);
  });
});
