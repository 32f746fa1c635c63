import { api, fmtTime, h, t } from './common.js';

// Active and suspended permits bound to each camera, with the gate state (作业中 / 暂停 and why).
const KIND = { hot_work: ['动火', 'Hot work'], confined_space: ['有限空间', 'Confined space'] };
const LEVEL = { special: ['特级', 'special'], level1: ['一级', 'level 1'], level2: ['二级', 'level 2'] };

/** Map cameraId → permits (active or suspended) the caller may see. */
export async function loadPermits() {
  const [active, suspended] = await Promise.all([
    api('/api/permits?state=active&limit=500'),
    api('/api/permits?state=suspended&limit=500'),
  ]);
  const byCamera = new Map();
  for (const p of [...active, ...suspended])
    for (const cam of p.cameraIds) byCamera.set(cam, [...(byCamera.get(cam) || []), p]);
  return byCamera;
}

export function renderPermits(slot, permits) {
  slot.replaceChildren(
    ...permits.map((p) => {
      const kind = KIND[p.kind] || [p.kind, p.kind];
      const level = p.level ? LEVEL[p.level] : null;
      const running = p.state === 'active';
      return h(
        'div',
        { class: 'permit-line', 'data-permit': p.id },
        h('span', { class: `badge ${p.state}` }, running ? t('作业中', 'Working') : t('暂停', 'Suspended')),
        ` ${p.number} · ${t(kind[0], kind[1])}${level ? ` ${t(level[0], level[1])}` : ''} · ${p.location}`,
        running
          ? ''
          : ` — ${reasonText(p.suspendReason) || t('原因未记录', 'no reason recorded')} (${fmtTime(p.suspendedAt)})`,
      );
    }),
  );
}

/**
 * A suspension reason for people: the service stores a leading code for its own checks
 * (`monitoring_lost 监控中断：cam1 离线 offline`); the wall shows the words after it.
 */
function reasonText(reason) {
  return (reason || '').replace(/^[a-z][a-z_]*\s+(?=[^ -~])/, '');
}
