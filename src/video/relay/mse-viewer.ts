import type { WebSocket } from 'ws';
import type { Fmp4Feed } from './types.ts';

/**
 * Camera id from an MSE relay path `/live/<cameraId>/fmp4` (query ignored); null for any other path.
 * Beside the MPEG-1 path `/live/<cameraId>`, so both go through the same upgrade checks.
 */
export function fmp4CameraIdFromPath(rawUrl: string | undefined): string | null {
  if (!rawUrl) return null;
  const path = rawUrl.split('?')[0] ?? '';
  const m = /^\/live\/([A-Za-z0-9][A-Za-z0-9_-]{0,63})\/fmp4$/.exec(path);
  return m?.[1] ?? null;
}

/** Close codes a player can act on: 4408 it fell behind (reconnect at the live edge), 4404 no camera. */
const CLOSE_CODES: Record<string, number> = {
  slow_subscriber: 4408,
  camera_unknown: 4404,
  camera_changed: 4409,
  relay_closed: 1001,
};

/**
 * One browser viewer of a camera's shared fMP4 upstream. On the socket: a text message
 * `{"type":"init","codec"}` followed by the init segment (binary), then fragments (binary) starting at
 * the cached last keyframe; `{"type":"down"}` while the camera is away (a new init follows when it is
 * back); `{"type":"end","code"}` and a close when the feed ends for this viewer.
 */
export function attachMseViewer(
  ws: WebSocket,
  feed: Fmp4Feed,
  cameraId: string,
  counters: MseCounters,
): void {
  const send = (data: Buffer | string) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(data, { binary: typeof data !== 'string' });
    if (typeof data !== 'string') counters.bytesOut += data.length;
  };
  counters.viewers++;
  let open = true;
  const unsubscribe = feed.subscribe(
    cameraId,
    {
      onInit(init, codec) {
        send(JSON.stringify({ type: 'init', codec }));
        send(init);
      },
      onFragment(f) {
        send(f.data);
      },
      onUpstreamDown(cause) {
        send(JSON.stringify({ type: 'down', code: cause.code }));
      },
      // the socket's own queue: past the feed's cap this viewer is cut off, never queued without bound
      bufferedBytes: () => ws.bufferedAmount,
      onEnd(cause) {
        if (cause.code === 'slow_subscriber') counters.cutOff++;
        send(JSON.stringify({ type: 'end', code: cause.code }));
        ws.close(CLOSE_CODES[cause.code] ?? 1011, cause.code);
      },
    },
    { fromKeyframe: true },
  );
  const leave = () => {
    if (!open) return;
    open = false;
    counters.viewers--;
    unsubscribe();
  };
  ws.on('close', leave);
  ws.on('error', leave);
}

export interface MseCounters {
  viewers: number;
  bytesOut: number;
  cutOff: number;
}
