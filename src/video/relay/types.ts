/**
 * The shared upstream of a camera's main stream as fragmented MP4 (stream copy, no re-encode): one
 * ffmpeg per camera, whoever listens (live viewers over MSE, the permit recorder).
 */

/** One moof+mdat pair as ffmpeg wrote it. */
export interface Fmp4Fragment {
  /** the moof and mdat boxes, exactly as on the wire (appendable after the init segment) */
  data: Buffer;
  /** the fragment's first sample is a sync sample (IDR): a decoder may start here */
  keyframe: boolean;
  /** wall clock (ms since epoch) when the fragment was read from ffmpeg */
  receivedAt: number;
  /** the fragment's base media decode time (tfdt), in `timescale` units */
  decodeTime: number;
  /** the track's timescale (mdhd) */
  timescale: number;
  /** the sum of the fragment's sample durations, in ms */
  durationMs: number;
  /** which ffmpeg session (1, 2, …) wrote it: a new session means a new init and restarted times */
  session?: number;
}

export interface Fmp4Listener {
  /** the init segment (ftyp+moov) and its RFC 6381 codec string (avc1.64001F, hvc1.…); again after a reconnect */
  onInit(init: Buffer, codec: string): void;
  onFragment(f: Fmp4Fragment): void;
  /**
   * The upstream broke (ffmpeg exited: camera gone, network, a crash); the feed reconnects with a
   * stepped back-off and a new onInit follows when the camera is back. What came before and what
   * comes after are separate sessions: a recorder marks a gap here.
   */
  onUpstreamDown?(cause: { code: string; message: string }): void;
  /**
   * Bytes this listener has queued but not yet sent (a WebSocket's bufferedAmount): over the feed's
   * cap the listener is cut off with onEnd `slow_subscriber` instead of queueing without bound.
   */
  bufferedBytes?(): number;
  /** the feed ended for this listener (cut off as too slow, camera removed, feed closed) */
  onEnd?(cause: { code: string; message: string }): void;
}

export interface Fmp4Feed {
  /**
   * Listens to a camera's stream; returns the unsubscribe. The first subscriber starts the upstream,
   * the last one leaving stops it after an idle grace. With `fromKeyframe` the listener gets the
   * init, then the cached fragments from the last keyframe, then live ones.
   */
  subscribe(cameraId: string, listener: Fmp4Listener, opts?: { fromKeyframe?: boolean }): () => void;
}
