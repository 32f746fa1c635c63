import { inputArgs } from '../sources/registry.ts';
import type { CameraSource } from '../sources/types.ts';

/** Fragment length asked of ffmpeg: short enough for a live picture, long enough to be cheap. */
export const DEFAULT_FRAGMENT_MS = 200;

/**
 * ffmpeg arguments for a camera's shared upstream, as a pure function: the camera's own H.264/H.265
 * copied as is (`-c copy`, no decode, no encode: a fraction of a percent of a core) into fragmented
 * MP4 on stdout. `frag_keyframe` starts a fragment at every keyframe and `frag_duration` cuts one
 * every `fragmentMs` in between, so viewers get video every ~200 ms instead of once per GOP;
 * `empty_moov` puts the init segment (codec setup, no samples) first; `default_base_moof` makes data
 * offsets relative to each moof, as MSE wants. Opened like every other reader of the camera (its
 * transport, timeouts: `inputArgs`, purpose `live`, unbuffered).
 */
export function fmp4RelayArgs(source: CameraSource, fragmentMs = DEFAULT_FRAGMENT_MS): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    // a short probe: the SDP (or the first keyframe) says all a stream copy needs
    '-probesize',
    '500000',
    '-analyzeduration',
    '500000',
    ...inputArgs(source, 'live'),
    '-map',
    '0:v:0',
    '-an',
    '-c:v',
    'copy',
    '-f',
    'mp4',
    '-movflags',
    'frag_keyframe+empty_moov+default_base_moof',
    '-frag_duration',
    String(Math.round(fragmentMs * 1000)),
    'pipe:1',
  ];
}
