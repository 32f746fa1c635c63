/* global MediaSource, performance */
import { api, errText, fmtTime, h, notice, t } from './common.js';

// A permit's recording (#27), on the audit page and the officer's wall: the timeline of its segments (blue), gaps (red) and
// violations (orange) over the recorded windows, and a <video> fed by Media Source Extensions with the
// segments (stream-copied H.264 MP4, init + fragments each), placed at their wall-clock offsets.
// Clicking the timeline seeks there; a gap shows its cause and the player moves to the first picture
// after it. `video.dataset.startMs`: click → first picture (what bench and e2e read).

const CAUSES = {
  upstream_down: ['摄像头视频流中断', 'camera stream down'],
  not_started: ['开始时尚无视频', 'no video at the start'],
  stalled: ['视频停滞', 'video stalled'],
  reinit: ['视频流重新开始', 'stream restarted'],
};

function pct(ms, t0, span) {
  return `${Math.max(0, Math.min(100, (100 * (ms - t0)) / span))}%`;
}

/** Plays `segs` (one camera, time order) in `video`; returns seek(wallMs) and stop(). */
function mseTimeline(video, segs, t0, onError) {
  const ms = new MediaSource();
  video.src = URL.createObjectURL(ms);
  const appended = new Set();
  let sb = null;
  let busy = Promise.resolve();
  const start = (s) => (Date.parse(s.startedAt) - t0) / 1000;
  const end = (s) => (Date.parse(s.endedAt) - t0) / 1000;
  const ready = new Promise((resolve) => ms.addEventListener('sourceopen', resolve, { once: true }));

  const once = (target, ev) => new Promise((r) => target.addEventListener(ev, r, { once: true }));
  async function append(s) {
    if (appended.has(s.id)) return;
    appended.add(s.id);
    const bytes = await (await api(s.url, { raw: true })).arrayBuffer();
    await ready;
    const type = `video/mp4; codecs="${s.codec}"`;
    if (!sb) {
      sb = ms.addSourceBuffer(type);
      sb.mode = 'segments';
    } else if (sb.changeType) sb.changeType(type);
    // the segment's own decode times start at mediaStart: shift them to its place on the timeline
    sb.timestampOffset = start(s) - s.mediaStart;
    try {
      sb.appendBuffer(bytes);
    } catch {
      // quota: drop what is well behind the playhead and try once more
      if (video.currentTime > 30) {
        sb.remove(0, video.currentTime - 10);
        await once(sb, 'updateend');
      }
      sb.appendBuffer(bytes);
    }
    await once(sb, 'updateend');
  }
  const queue = (fn) => (busy = busy.then(fn).catch(onError));
  const at = (sec) => segs.findIndex((s) => end(s) > sec);
  /** The segment at `sec` (or the next one) and the one after it, appended in order. */
  function ensure(sec) {
    const i = at(sec);
    if (i < 0) return busy;
    for (const s of segs.slice(i, i + 2)) queue(() => append(s));
    return busy;
  }
  // Playing into a gap: jump to the next segment's first picture; near a segment's end, fetch the next.
  const onTime = () => {
    const i = at(video.currentTime);
    if (i >= 0 && start(segs[i]) > video.currentTime + 0.3) video.currentTime = start(segs[i]);
    if (i >= 0 && end(segs[i]) - video.currentTime < 8) ensure(end(segs[i]) + 0.01);
  };
  video.addEventListener('timeupdate', onTime);
  video.addEventListener('waiting', onTime);
  return {
    async seek(wallMs) {
      let sec = (wallMs - t0) / 1000;
      const i = at(sec);
      if (i < 0) return;
      if (start(segs[i]) > sec) sec = start(segs[i]); // in a gap: the first picture after it
      await ensure(sec);
      video.currentTime = sec;
    },
    stop() {
      video.removeEventListener('timeupdate', onTime);
      video.removeEventListener('waiting', onTime);
      video.removeAttribute('src');
      video.load();
    },
  };
}

let current = null;

/** Stops the player that is open (its panel closed). */
export function stopRecording() {
  current?.stop();
  current = null;
}

/**
 * Shows a permit's recording in `panel` (one player a page at a time) and plays it from `at` (wall
 * ms: a violation's time, a gap) or from its first segment.
 */
export async function showRecording(panel, permitId, label, { at } = {}) {
  const clickedAt = performance.now();
  stopRecording();
  const status = h('p', { class: 'notice', id: 'recording-notice' });
  panel.replaceChildren(h('h3', {}, `${t('作业票录像', 'Permit recording')} ${label}`), status);
  let tl;
  try {
    tl = await api(`/api/recordings/permits/${encodeURIComponent(permitId)}`);
  } catch (e) {
    return notice(status, errText(e), 'error');
  }
  const kept = tl.segments.filter((s) => !s.deleted);
  const cameras = [...new Set(tl.segments.map((s) => s.cameraId))];
  if (!kept.length) {
    const deleted = tl.segments.length - kept.length;
    return notice(
      status,
      deleted
        ? t(
            `录像已按保存期删除（${deleted} 段）。`,
            `The recording was deleted by retention (${deleted} segments).`,
          )
        : t('该作业票没有录像。', 'This permit has no recording.'),
    );
  }
  const camera = kept[0].cameraId;
  const segs = kept.filter((s) => s.cameraId === camera);
  const t0 = Date.parse(tl.from);
  const span = Math.max(1, Date.parse(tl.to) - t0);
  const video = h('video', { id: 'recording-video', controls: true, muted: true, playsinline: true });
  video.muted = true;
  const bar = h('div', { class: 'timeline recording-timeline', id: 'recording-timeline' });
  const mark = (cls, from, to, title, onclick) =>
    h('div', {
      class: cls,
      title,
      style: { left: pct(from, t0, span), width: `max(4px, ${pct(t0 + (to - from), t0, span)})` },
      onclick: (ev) => {
        ev.stopPropagation();
        onclick();
      },
    });
  const player = mseTimeline(video, segs, t0, (e) => notice(status, errText(e), 'error'));
  current = player;
  const seek = (ms) => player.seek(ms).then(() => video.play().catch(() => {}));
  for (const s of tl.segments.filter((x) => x.cameraId === camera))
    bar.append(
      mark(
        s.deleted ? 'rec-seg rec-deleted' : 'rec-seg',
        Date.parse(s.startedAt),
        Date.parse(s.endedAt),
        s.deleted
          ? t(`已于 ${fmtTime(s.deleted.at)} 按保存期删除`, `deleted by retention ${fmtTime(s.deleted.at)}`)
          : `${fmtTime(s.startedAt)} – ${fmtTime(s.endedAt)} · sha256 ${s.sha256.slice(0, 12)}…`,
        () => {
          notice(status, '');
          seek(Date.parse(s.startedAt));
        },
      ),
    );
  for (const g of tl.gaps.filter((x) => x.cameraId === camera)) {
    const cause = CAUSES[g.cause] ? t(...CAUSES[g.cause]) : g.cause;
    const text = `${t('录像中断', 'Recording gap')} ${fmtTime(g.from)} – ${fmtTime(g.to)}（${cause}：${g.message}）`;
    bar.append(
      mark('rec-gap', Date.parse(g.from), Date.parse(g.to), text, () => {
        notice(status, text, 'error');
        seek(Date.parse(g.from));
      }),
    );
  }
  for (const v of tl.violations.filter((x) => x.cameraId === camera))
    bar.append(
      mark(
        'rec-violation',
        Date.parse(v.startedAt),
        Date.parse(v.endedAt),
        `${fmtTime(v.startedAt)} · ${v.type}`,
        () => {
          notice(status, `${t('违章', 'Violation')} ${fmtTime(v.startedAt)} · ${v.type}`);
          seek(Date.parse(v.startedAt) - 3000);
        },
      ),
    );
  bar.addEventListener('click', (ev) => {
    const r = bar.getBoundingClientRect();
    seek(t0 + ((ev.clientX - r.left) / r.width) * span);
  });
  video.addEventListener(
    'playing',
    () => (video.dataset.startMs = String(Math.round(performance.now() - clickedAt))),
    { once: true },
  );
  const others =
    cameras.length > 1
      ? t(
          `（共 ${cameras.length} 个摄像头，显示 ${camera}）`,
          ` (${cameras.length} cameras, showing ${camera})`,
        )
      : '';
  panel.append(
    h(
      'div',
      { class: 'muted' },
      `${camera}${others} · ${fmtTime(tl.from)} → ${fmtTime(tl.to)} · ${t('蓝=录像，红=中断，橙=违章', 'blue = recorded, red = gap, orange = violation')}`,
    ),
    bar,
    video,
  );
  await seek(at ?? Date.parse(segs[0].startedAt));
}
