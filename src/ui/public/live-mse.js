/* global location, MediaSource, WebSocket, performance, setTimeout, clearTimeout */

/** Whether this browser can play `codec` (an RFC 6381 string like avc1.64001F) through MSE. */
export function mseSupported(codec) {
  return (
    typeof MediaSource !== 'undefined' &&
    typeof MediaSource.isTypeSupported === 'function' &&
    MediaSource.isTypeSupported(`video/mp4; codecs="${codec}"`)
  );
}

/** More than this behind the newest buffered picture and the player jumps back to the live edge. */
const MAX_LAG_S = 1.5;
/** Where the live edge is aimed: a little short of the end, so playback does not stall at once. */
const EDGE_S = 0.2;
/** Buffered video older than this behind the playhead is removed (MSE would fill its quota). */
const KEEP_S = 20;
/** Fragments waiting for the SourceBuffer beyond this mean the page cannot keep up: reconnect. */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/**
 * Plays a camera's own H.264 (fragmented MP4 from /live/<id>/fmp4, no re-encode) in a <video> with
 * Media Source Extensions. The relay sends the init segment and the fragments since the last
 * keyframe, so the first picture needs no wait for the camera's next keyframe: the player seeks to
 * the newest buffered picture (the decoder runs through the cached GOP in a blink) and keeps chasing
 * the live edge. `onUnsupported(codec)` is called (and the player stops) when the camera's codec
 * cannot play here (H.265 in most browsers): the caller falls back to the MPEG-1 relay.
 * `video.dataset.firstFrameMs` is the time from opening the socket to the first decoded picture.
 */
export function playMse(video, cameraId, { onFrame, onUnsupported } = {}) {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${proto}://${location.host}/live/${encodeURIComponent(cameraId)}/fmp4`;
  let ws = null;
  let sb = null;
  let queue = [];
  let queued = 0;
  let stopped = false;
  let retry = null;
  let openedAt = 0;
  video.muted = true;
  video.playsInline = true;
  video.dataset.player = 'mse';
  video.dataset.frames = '0';

  const countFrames = () => {
    if (stopped) return;
    video.dataset.frames = String(Number(video.dataset.frames) + 1);
    if (!video.dataset.firstFrameMs)
      video.dataset.firstFrameMs = String(Math.round(performance.now() - openedAt));
    onFrame?.();
    video.requestVideoFrameCallback(countFrames);
  };
  if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(countFrames);

  const chase = () => {
    const b = video.buffered;
    if (!b.length) return;
    const end = b.end(b.length - 1);
    if (end - video.currentTime > MAX_LAG_S || video.currentTime < b.start(b.length - 1))
      video.currentTime = Math.max(b.start(b.length - 1), end - EDGE_S);
    if (video.paused) video.play().catch(() => {});
  };

  const pump = () => {
    if (!sb || sb.updating) return;
    const b = video.buffered;
    if (b.length && video.currentTime - b.start(0) > KEEP_S * 1.5) {
      sb.remove(b.start(0), video.currentTime - KEEP_S);
      return; // updateend pumps again
    }
    const next = queue.shift();
    if (!next) return chase();
    queued -= next.byteLength;
    try {
      sb.appendBuffer(next);
    } catch {
      reconnect(); // quota or a broken SourceBuffer: start again at the live edge
    }
  };

  const startMedia = (codec, init) => {
    sb = null;
    queue = [init];
    queued = init.byteLength;
    const ms = new MediaSource();
    const src = URL.createObjectURL(ms);
    video.src = src;
    ms.addEventListener(
      'sourceopen',
      () => {
        URL.revokeObjectURL(src);
        if (stopped || video.src !== src) return;
        sb = ms.addSourceBuffer(`video/mp4; codecs="${codec}"`);
        sb.addEventListener('updateend', pump);
        pump();
      },
      { once: true },
    );
  };

  let awaitingInit = null; // the codec of an init segment announced, not yet received
  const connect = () => {
    retry = null;
    openedAt = performance.now();
    video.dataset.connects = String(Number(video.dataset.connects || 0) + 1);
    const sock = new WebSocket(url);
    ws = sock;
    sock.binaryType = 'arraybuffer';
    sock.onmessage = (e) => {
      if (typeof e.data === 'string') {
        const msg = JSON.parse(e.data);
        if (msg.type !== 'init') return;
        if (!mseSupported(msg.codec)) {
          stop();
          onUnsupported?.(msg.codec);
          return;
        }
        awaitingInit = msg.codec;
        return;
      }
      if (awaitingInit) {
        // a new session (first one, or the camera came back): timestamps start over with it
        startMedia(awaitingInit, e.data);
        awaitingInit = null;
        return;
      }
      queue.push(e.data);
      queued += e.data.byteLength;
      if (queued > MAX_QUEUED_BYTES) return reconnect();
      pump();
    };
    sock.onclose = (e) => {
      // 4404: no such camera (any more); 4401: signed out; anything else is worth another try
      if (e.code === 4404 || e.code === 4401) return;
      if (sock === ws && !stopped && !retry) retry = setTimeout(connect, 1000);
    };
  };

  const reconnect = () => {
    if (stopped) return;
    ws?.close();
    if (!retry) retry = setTimeout(connect, 200);
  };

  const stop = () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    ws?.close();
  };

  connect();
  return { destroy: stop };
}
