import { api, fmtTime, h, t } from './common.js';
import { kindText, levelText, loadPermitKinds } from './permit-kinds.js';
import { canReplay, replayPermit } from './wall-recording.js';

// Active and suspended permits bound to each camera, with the gate state (作业中 / 暂停 and why).
// Kind and level names come from the service's kinds (GET /api/permit-kinds).

/** Map cameraId → permits (active or suspended) the caller may see. */
export async function loadPermits() {
  const [active, suspended] = await Promise.all([
    api('/api/permits?state=active&limit=500'),
    api('/api/permits?state=suspended&limit=500'),
    loadPermitKinds(),
  ]);
  const byCamera = new Map();
  for (const p of [...active, ...suspended])
    for (const cam of p.cameraIds) byCamera.set(cam, [...(byCamera.get(cam) || []), p]);
  return byCamera;
}

export function renderPermits(slot, permits) {
  slot.replaceChildren(
    ...permits.map((p) => {
      const running = p.state === 'active';
      return h(
        'div',
        { class: 'permit-line', 'data-permit': p.id },
        h('span', { class: `badge ${p.state}` }, running ? t('作业中', 'Working') : t('暂停', 'Suspended')),
        ` ${p.number} · ${kindText(p.kind)}${p.level ? ` ${levelText(p.kind, p.level)}` : ''} · ${p.location}`,
        running
          ? ''
          : ` — ${reasonText(p.suspendReason) || t('原因未记录', 'no reason recorded')} (${fmtTime(p.suspendedAt)})`,
        canReplay()
          ? h(
              'button',
              { type: 'button', class: 'link play-recording', onclick: () => replayPermit(p) },
              t('录像', 'Recording'),
            )
          : '',
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
