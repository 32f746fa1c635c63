// 监护人 on the phone: the permits they guard (approved, active, suspended), each following its live
// state like the welder's screen: red with the reason the moment one is suspended.
import { api, errText, h, notice, t } from './common.js';
import { followPermit, permitTile } from './phone-live.js';

export async function startGuardian(s, listEl, statusEl) {
  let permits;
  try {
    const lists = await Promise.all(
      ['approved', 'active', 'suspended'].map((st) => api(`/api/permits?state=${st}&limit=200`)),
    );
    permits = lists.flat().filter((p) => p.guardianUserId === s.user.userId);
  } catch (e) {
    notice(statusEl, errText(e), 'error');
    return;
  }
  if (permits.length === 0) {
    notice(statusEl, t('目前没有由您监护的作业票。', 'No permit names you as its guardian now.'));
    return;
  }
  listEl.replaceChildren(h('h2', {}, t('我监护的作业票', 'Permits I guard')));
  for (const p of permits) {
    const slot = h('div', { class: 'permit-slot' });
    listEl.append(slot);
    followPermit(p.id, (card) => slot.replaceChildren(permitTile(card)));
  }
}
