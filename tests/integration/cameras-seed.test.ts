import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.ts';
import { EventBus } from '../../src/platform/events/event-bus.ts';
import { OutboxRepo } from '../../src/platform/events/outbox.repo.ts';
import { FakeClock } from '../../src/platform/shared/clock.ts';
import { createLogger } from '../../src/platform/shared/logger.ts';
import { openDb, type Db } from '../../src/platform/store/db.ts';
import { migrate } from '../../src/platform/store/migrate.ts';
import { scopeFor } from '../../src/platform/tenancy/scope.ts';
import { CameraCatalog } from '../../src/video/cameras/camera-catalog.ts';
import { CamerasRepo } from '../../src/video/cameras/cameras.repo.ts';
import { testConfigInput } from '../helpers/test-service.ts';

/**
 * The config stays the seed: at every start a camera still `config` takes the config's values (and goes
 * when the config drops it); one an admin added, edited or removed is `api` and the table rules it.
 * Each "start" here is a new catalog on the same database, with the config as it is then.
 */
const cam = (id: string, url = `rtsp://10.0.0.1/${id}`) => ({ id, name: id, url });

function start(db: Db, cameras: ReturnType<typeof cam>[]) {
  const config = validateConfig(
    testConfigInput('/tmp/unused', {
      sites: [
        { id: 'site-a', name: '甲', enterpriseId: 'ent-a', cameras },
        { id: 'site-b', name: '乙', enterpriseId: 'ent-b', cameras: [] },
      ],
    }),
  );
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const catalog = new CameraCatalog(
    config,
    new CamerasRepo(db),
    new EventBus(new OutboxRepo(db), clock),
    clock,
    createLogger('silent'),
  );
  catalog.seedFromConfig();
  return catalog;
}

const admin = {
  scope: scopeFor({ role: 'enterprise_admin', enterpriseId: 'ent-a' } as never, () => []),
  username: 'admin-a',
};

describe('the config seeds the cameras table', () => {
  it('config cameras follow the config; the admin’s edits, additions and removals survive it', () => {
    const db = openDb(':memory:');
    migrate(db);
    const first = start(db, [cam('a'), cam('b'), cam('c'), cam('d')]);
    expect(first.list().map((c) => [c.id, c.source])).toEqual([
      ['a', 'config'],
      ['b', 'config'],
      ['c', 'config'],
      ['d', 'config'],
    ]);
    first.update(admin, 'b', { name: '改名' });
    first.remove(admin, 'c');
    first.add(admin, { id: 'e', name: 'e', siteId: 'site-a', url: 'rtsp://10.0.0.1/e' });

    // next start: the config changed a's and b's URL, still lists c, dropped d
    const second = start(db, [cam('a', 'rtsp://10.0.0.2/a'), cam('b', 'rtsp://10.0.0.2/b'), cam('c')]);
    const byId = new Map(second.list().map((c) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual(['a', 'b', 'e']);
    expect(byId.get('a')).toMatchObject({ url: 'rtsp://10.0.0.2/a', source: 'config' }); // follows the config
    expect(byId.get('b')).toMatchObject({ url: 'rtsp://10.0.0.1/b', name: '改名', source: 'api' }); // the admin's
    expect(byId.has('c')).toBe(false); // removed by the admin: not seeded back
    expect(byId.get('e')).toMatchObject({ source: 'api' }); // added at run time: kept
    expect(new CamerasRepo(db).get('d')).toBeUndefined(); // only ever the config's: gone with it

    // a removed id may be added again
    second.add(admin, { id: 'c', name: 'c 回来', siteId: 'site-a', url: 'rtsp://10.0.0.1/c' });
    expect(second.get('c')).toMatchObject({ name: 'c 回来', source: 'api' });
  });
});
