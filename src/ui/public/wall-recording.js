/* global document */
import { h, notice, session, t } from './common.js';
import { showRecording, stopRecording } from './recording-player.js';

// The officer's wall replays what was recorded (#27): 录像 on a permit line opens that permit's
// timeline and player (recording-player.js, the audit page's), 录像 on a violation card opens the
// recording of the permit on that camera at the violation's time (3 s before it). The permits are the
// wall's own (active or suspended on the camera): a violation is pending while its work goes on; a
// permit closed since is replayed from the audit page.

// the roles holding audit:read (src/platform/auth/permissions.ts): a guardian watches live only
const CAN_REPLAY = new Set(['safety_officer', 'approver', 'enterprise_admin']);
export const canReplay = () => CAN_REPLAY.has(session()?.user.role);

let permitsByCamera = new Map();
/** The wall's latest permits by camera (wall-permits.js loadPermits). */
export function setReplayPermits(byCamera) {
  permitsByCamera = byCamera;
}

function panel() {
  let box = document.getElementById('wall-recording');
  if (!box) {
    const body = h('div', { id: 'recording-panel' });
    const close = h(
      'button',
      { type: 'button', class: 'small', 'data-action': 'close-recording' },
      t('关闭录像', 'Close recording'),
    );
    box = h('section', { id: 'wall-recording', class: 'card wall-recording' }, close, body);
    close.addEventListener('click', () => {
      stopRecording();
      box.hidden = true;
    });
    document.querySelector('.wall-layout').before(box);
  }
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
  return box.querySelector('#recording-panel');
}

/** 录像 on a permit line: its timeline from the first recorded picture. */
export function replayPermit(p) {
  return showRecording(panel(), p.id, p.number);
}

/** 录像 on a violation card: the recording of the permit on its camera, 3 s before it began. */
export function replayViolation(v) {
  const permits = permitsByCamera.get(v.cameraId) || [];
  const target = panel();
  if (!permits.length) {
    target.replaceChildren(h('p', { class: 'notice' }));
    return notice(
      target.firstChild,
      t(
        '该摄像头当前没有进行中的作业票；已结束作业票的录像请在审计页查看。',
        'No permit is open on this camera now; replay a closed permit from the audit page.',
      ),
    );
  }
  // several permits may share a camera: the one whose work began last before the violation
  const began = (p) => Date.parse(p.startedAt || p.validFrom);
  const when = Date.parse(v.startedAt);
  const p = [...permits].sort((a, b) => began(b) - began(a)).find((x) => began(x) <= when) ?? permits[0];
  return showRecording(target, p.id, p.number, { at: when - 3000 });
}
