/**
 * The fMP4 feed the recorder reads: src/video/relay's (one upstream session per camera, shared by the
 * live viewers and the recorder). The recorder depends on the interface only; tests may pass another.
 */
export type { Fmp4Feed, Fmp4Fragment, Fmp4Listener } from '../relay/types.ts';
