import { describe, expect, it } from 'vitest';
import { alertTopic, siteAlertOf, type AlertSourceEvent } from '../../src/oversight/alerts/site-alert.ts';

const ev = (type: string, payload: Record<string, unknown>): AlertSourceEvent => ({
  outboxId: 41,
  type,
  enterpriseId: 'ent-a',
  occurredAt: '2026-12-07T01:00:00.000Z',
  payload,
});
const describe_ = (code: string) =>
  code === 'JH_ERR_SCAN_NO_PERMIT' ? { zh: '该焊机没有有效作业票。', en: 'No valid permit.' } : undefined;

describe('site alerts from chained events', () => {
  it('the recording disk alarm is high, its all-clear medium (the service’s own, no enterprise)', () => {
    const payload = {
      usedBytes: 1,
      budgetBytes: 2,
      diskUsedPct: 90,
      titleZh: '录像存储即将用满',
      title: 'nearly full',
    };
    const raised = siteAlertOf(
      { ...ev('recording.diskAlarm', { ...payload, alarm: true }), enterpriseId: null },
      describe_,
    );
    expect(raised).toMatchObject({ severity: 'high', enterpriseId: null, titleZh: '录像存储即将用满' });
    expect(alertTopic('jianhu', raised!)).toBe('jianhu/alerts/_/high');
    const cleared = siteAlertOf(ev('recording.diskAlarm', { ...payload, alarm: false }), describe_);
    expect(cleared).toMatchObject({ severity: 'medium' });
  });

  it('a chip’s 无票动火 and a lock opened without a grant are high, in the event’s own words', () => {
    const chip = siteAlertOf(
      ev('machine.violationDetected', {
        machineId: 'm1',
        siteId: 'site-a',
        kind: 'no_permit_hot_work',
        titleZh: '无票动火：焊机在无有效作业授权时出现焊接电流',
        title: 'Welding without a permit',
        permitId: null,
        cameraId: 'cam1',
      }),
      describe_,
    );
    expect(chip).toMatchObject({
      eventId: 41,
      severity: 'high',
      siteId: 'site-a',
      cameraId: 'cam1',
      permitId: null,
      titleZh: '无票动火：焊机在无有效作业授权时出现焊接电流',
    });
    const lock = siteAlertOf(
      ev('lock.violationDetected', { lockId: 'l1', siteId: 'site-a', messageZh: '门锁 A 未经授权被打开' }),
      describe_,
    );
    expect(lock).toMatchObject({ severity: 'high', titleZh: '门锁 A 未经授权被打开' });
  });

  it('a refused scan is medium and says why from the error catalogue; an accepted one is no alert', () => {
    const refused = siteAlertOf(
      ev('machine.scanned', { result: 'JH_ERR_SCAN_NO_PERMIT', machineId: 'm1' }),
      describe_,
    );
    expect(refused).toMatchObject({ severity: 'medium', titleZh: '扫码被拒：该焊机没有有效作业票。' });
    expect(siteAlertOf(ev('machine.scanned', { result: 'JH_ERR_SCAN_NEW' }), describe_)?.titleZh).toBe(
      '扫码被拒：JH_ERR_SCAN_NEW',
    );
    expect(siteAlertOf(ev('machine.scanned', { result: 'accepted' }), describe_)).toBeNull();
  });

  it('stopped permitted work is high; other events are none', () => {
    const s = siteAlertOf(
      ev('permit.suspended', {
        permitId: 'p1',
        messageZh: '作业票 DH-1 作业中 → 暂停（监控中断）',
        cameraId: 'cam1',
      }),
      describe_,
    );
    expect(s).toMatchObject({
      severity: 'high',
      permitId: 'p1',
      titleZh: '作业票 DH-1 作业中 → 暂停（监控中断）',
    });
    expect(siteAlertOf(ev('permit.started', { permitId: 'p1' }), describe_)).toBeNull();
    expect(siteAlertOf(ev('violation.started', {}), describe_)).toBeNull();
  });

  it('publishes under the configured prefix, by enterprise and severity', () => {
    expect(alertTopic('plant7', { enterpriseId: 'ent-a', severity: 'high' })).toBe(
      'plant7/alerts/ent-a/high',
    );
  });
});
