/**
 * The fMP4 feed the recorder reads (src/video/relay offers it: one upstream session per camera,
 * shared by the live viewers and the recorder). Declared here by shape so the recorder depends on the
 * interface only; the relay's own `src/video/relay/types.ts` is structurally the same.
 */
export interface Fmp4Fragment {
  /** one moof + mdat */
  data: Buffer;
  /** the fragment starts with a keyframe (a segment may begin here) */
  keyframe: boolean;
  /** wall clock (ms) when the relay received it */
  receivedAt: number;
  decodeTime: number;
  timescale: number;
  durationMs: number;
}

export interface Fmp4Listener {
  onInit(init: Buffer, codec: string): void;
  onFragment(f: Fmp4Fragment): void;
  onEnd?(cause: { code: string; message: string }): void;
}

export interface Fmp4Feed {
  subscribe(cameraId: string, listener: Fmp4Listener, opts?: { fromKeyframe?: boolean }): () => void;
}
