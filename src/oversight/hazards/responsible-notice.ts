import type { ResponsibleNotice } from './hazard.events.ts';
import type { Hazard } from './hazards.repo.ts';

/**
 * What the responsible person is told (hazard.responsibleNotified): when a hazard is dispatched to
 * them, and at each overdue escalation. Pure: the hazard row in, the notice out. The deadline is
 * written in Asia/Shanghai for people; the ISO deadline travels beside it.
 */
const MAX_DESCRIPTION = 80;

const shanghai = (iso: string) =>
  `${new Date(iso).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' })}（北京时间）`;

const short = (s: string) => (s.length > MAX_DESCRIPTION ? `${s.slice(0, MAX_DESCRIPTION - 1)}…` : s);

type Dispatched = Pick<Hazard, 'id' | 'responsibleUserId' | 'level' | 'deadline' | 'description'>;

export function dispatchNotice(h: Dispatched): ResponsibleNotice {
  const deadline = h.deadline!;
  const major = h.level === 'major';
  return {
    hazardId: h.id,
    recipientUserId: h.responsibleUserId!,
    why: 'dispatched',
    level: h.level,
    deadline,
    escalation: 0,
    description: short(h.description),
    titleZh: `${major ? '重大' : ''}隐患 #${h.id} 已派给您整改，期限 ${shanghai(deadline)}：${short(h.description)}`,
    title: `${major ? 'Major hazard' : 'Hazard'} #${h.id} dispatched to you, rectify by ${deadline}`,
  };
}

export function overdueNotice(h: Dispatched, escalation: number, nowMs: number): ResponsibleNotice {
  const deadline = h.deadline!;
  const hours = Math.round(((nowMs - Date.parse(deadline)) / 3_600_000) * 10) / 10;
  return {
    ...dispatchNotice(h),
    why: 'overdue',
    escalation,
    titleZh: `隐患 #${h.id} 整改已逾期 ${hours} 小时（第 ${escalation} 级），期限 ${shanghai(deadline)}：${short(h.description)}`,
    title: `Hazard #${h.id} is ${hours} h overdue (escalation ${escalation}), deadline ${deadline}`,
  };
}
