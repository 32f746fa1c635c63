import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveWithGasTest, call, startPermitsHarness, type PermitsHarness } from './permits-harness.ts';
import { permitBody } from '../helpers/permit-body.ts';

/**
 * A camera added at run time is a camera like the config's for permits: a permit may name it; while a
 * permit in progress names it, its removal is refused (409), and allowed once the work has ended.
 */
let h: PermitsHarness;
beforeAll(async () => {
  // the recorder runs (its fMP4 feed finds no camera at 127.0.0.1:1: gaps, not segments)
  h = await startPermitsHarness({ record: true, extra: { recording: { postRollSeconds: 0 } } });
});
afterAll(async () => h?.close());

describe('a run-time camera on a permit', () => {
  it('is named on a permit, cannot be removed while the work runs, can be once it ended', async () => {
    // the config's cameras are on 127.0.0.1:1: that host:port vouches for the new one (no ingest here)
    const add = await call(h, 'admin-a', 'POST', '/api/cameras', {
      id: 'cam-new',
      name: '新增点位',
      siteId: 'site-a',
      url: 'rtsp://127.0.0.1:1/new',
    });
    expect(add.status).toBe(201);
    // its zones (and so the rules pipeline) know it, with none of its own yet
    const zones = await call(h, 'safety-a', 'GET', '/api/cameras/cam-new/zones');
    expect([zones.status, zones.body.zones]).toEqual([200, []]);
    // a welding machine and a padlock may be bound to it
    const machine = await call(h, 'admin-a', 'POST', '/api/machines', {
      id: 'M9',
      name: '9号焊机',
      siteId: 'site-a',
      cameraId: 'cam-new',
      lat: 35.49,
      lon: 112.85,
    });
    expect(machine.status).toBe(201);
    const lock = await call(h, 'admin-a', 'POST', '/api/locks', {
      id: 'L9',
      name: '新入口',
      siteId: 'site-a',
      code: 'lock-code-9',
      cameraId: 'cam-new',
    });
    expect(lock.status).toBe(201);
    // on another site it is not
    const wrongSite = await call(h, 'admin-b', 'POST', '/api/locks', {
      id: 'L10',
      name: 'x',
      siteId: 'site-b',
      code: 'lock-code-10',
      cameraId: 'cam-new',
    });
    expect(wrongSite.status).toBe(400);
    // a permit on the run-time camera, as of now
    const onNewCamera = () => permitBody(h.clock.now(), { cameraIds: ['cam-new'] });
    const p = await call(h, 'safety-a', 'POST', '/api/permits', onNewCamera());
    expect(p.status).toBe(201);
    const id = p.body.id as string;
    // a draft does not hold the camera
    await approveWithGasTest(h, id, 'unit', { analyst: '王', combustiblePct: 0.1, o2Pct: 20.9 });
    h.health('cam-new', 'online');
    expect((await call(h, 'guardian-a', 'POST', `/api/permits/${id}/start`)).body.state).toBe('active');
    // the work on a run-time camera is recorded like any other
    expect(h.services.recording.service.recordingCameras()).toContain('cam-new');

    const refused = await call(h, 'admin-a', 'DELETE', '/api/cameras/cam-new');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('JH_ERR_CAMERA_IN_USE');
    expect(JSON.stringify(refused.body)).toContain(p.body.number as string);

    // suspended (the camera went down) still holds it
    h.health('cam-new', 'offline');
    await new Promise((r) => setTimeout(r, 50));
    expect((await call(h, 'safety-a', 'GET', `/api/permits/${id}`)).body.permit).toMatchObject({
      state: 'suspended',
    });
    expect((await call(h, 'admin-a', 'DELETE', '/api/cameras/cam-new')).status).toBe(409);

    const revoked = await call(h, 'safety-a', 'POST', `/api/permits/${id}/revoke`, { reason: '测试结束' });
    expect(revoked.status).toBe(200);
    expect((await call(h, 'admin-a', 'DELETE', '/api/cameras/cam-new')).status).toBe(204);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.services.recording.service.recordingCameras()).not.toContain('cam-new');
    // gone for new permits too
    const again = await call(h, 'safety-a', 'POST', '/api/permits', onNewCamera());
    expect(again.status).toBe(400);
  });
});
