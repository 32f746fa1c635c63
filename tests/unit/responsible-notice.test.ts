import { describe, expect, it } from 'vitest';
import { siteAlertOf } from '../../src/oversight/alerts/site-alert.ts';
import { dispatchNotice, overdueNotice } from '../../src/oversight/hazards/responsible-notice.ts';

const hazard = {
  id: 12,
  responsibleUserId: 5,
  level: 'major' as const,
  deadline: '2026-12-01T02:00:00.000Z', // 10:00 in Shanghai
  description: '煤气管道阀门泄漏'.repeat(11), // 88 characters: cut to 79 and an ellipsis
};

describe('the notice to the responsible person', () => {
  it('on dispatch names the hazard, the deadline in Asia/Shanghai and whom it is for', () => {
    const n = dispatchNotice(hazard);
    expect(n).toMatchObject({ hazardId: 12, recipientUserId: 5, why: 'dispatched', escalation: 0 });
    expect(n.titleZh).toMatch(/^重大隐患 #12 已派给您整改，期限 2026\/12\/1 10:00:00（北京时间）：/);
    expect(n.description).toHaveLength(80);
    expect(n.description.endsWith('…')).toBe(true);
    expect(n.title).toBe('Major hazard #12 dispatched to you, rectify by 2026-12-01T02:00:00.000Z');
  });

  it('when overdue says how long and which level, and becomes a high site alert', () => {
    const n = overdueNotice(hazard, 2, Date.parse('2026-12-02T05:00:00.000Z'));
    expect(n).toMatchObject({ why: 'overdue', escalation: 2 });
    expect(n.titleZh).toMatch(/^隐患 #12 整改已逾期 27 小时（第 2 级）/);
    const alert = siteAlertOf(
      {
        outboxId: 7,
        type: 'hazard.responsibleNotified',
        enterpriseId: 'ent-a',
        occurredAt: '2026-12-02T05:00:00.000Z',
        payload: n as never,
      },
      () => undefined,
    );
    expect(alert).toMatchObject({ severity: 'high', recipientUserId: 5, titleZh: n.titleZh });
    const onDispatch = siteAlertOf(
      {
        outboxId: 6,
        type: 'hazard.responsibleNotified',
        enterpriseId: 'ent-a',
        occurredAt: '2026-12-01T00:00:00.000Z',
        payload: dispatchNotice(hazard) as never,
      },
      () => undefined,
    );
    expect(onDispatch?.severity).toBe('medium');
  });
});
