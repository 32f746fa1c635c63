/* global location */
import JSMpeg from '/ui/vendor/jsmpeg.esm.js';

/**
 * Plays a camera's relay stream (/live/<id>, MPEG-TS with MPEG-1 video) into a canvas with jsmpeg.
 * The relay keeps the socket open through camera outages and ffmpeg respawns; jsmpeg reconnects on
 * its own if the socket itself drops.
 */
export function playLive(canvas, cameraId, { gl = true, onFrame } = {}) {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  return new JSMpeg.Player(`${proto}://${location.host}/live/${encodeURIComponent(cameraId)}`, {
    canvas,
    audio: false,
    disableGl: !gl,
    pauseWhenHidden: false,
    videoBufferSize: 512 * 1024,
    reconnectInterval: 2,
    onVideoDecode: onFrame ? () => onFrame() : undefined,
  });
}
