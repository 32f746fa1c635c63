import { inputArgs } from '../sources/registry.ts';
import { DEFAULT_SOURCE_TIMEOUT_MS, type CameraSource } from '../sources/types.ts';

/** Fragment length asked of ffmpeg: short enough for a live picture, long enough to be cheap. */
export const DEFAULT_FRAGMENT_MS = 200;

/**
 * The upstream's I/O timeout is at least this long. Some RTSP servers (GStreamer's, streams-sim's)
 * answer a new client, or start sending to it, only at the stream's next keyframe: with an 8.4 s GOP a
 * 5 s timeout failed most connection attempts (measured on the factory clip). A camera that really
 * went silent is noticed this much later; ingest's health says so sooner.
 */
export const MIN_UPSTREAM_TIMEOUT_MS = 12_000;

/**
 * ffmpeg arguments for a camera's shared upstream, as a pure function: the camera's own H.264/H.265
 * copied as is (`-c copy`, no decode, no encode: a fraction of a percent of a core) into fragmented
 * MP4 on stdout. `frag_keyframe` starts a fragment at every keyframe and `frag_duration` cuts one
 * every `fragmentMs` in between, so viewers get video every ~200 ms instead of once per GOP;
 * `empty_moov` puts the init segment (codec setup, no samples) first; `default_base_moof` makes data
 * offsets relative to each moof, as MSE wants. Opened like every other reader of the camera (its
 * transport, timeouts: `inputArgs`).
 */
export function fmp4RelayArgs(source: CameraSource, fragmentMs = DEFAULT_FRAGMENT_MS): string[] {
  return [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    // The probe ends as soon as the stream's parameters are known: at once when the SDP carries
    // them (sprop-parameter-sets), else at the first in-band SPS, i.e. the camera's next keyframe,
    // which may be a long GOP away (the live relay's 0.5 s would give up on such a camera).
    '-probesize',
    '10000000',
    '-analyzeduration',
    '12000000',
    ...inputArgs(
      {
        ...source,
        timeoutMs: Math.max(source.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS, MIN_UPSTREAM_TIMEOUT_MS),
      },
      // purpose `evidence` (a stream copy as the clip ring does), not `live`: live adds `-fflags
      // nobuffer`, which throws away the packets read while probing, and with them the keyframe the
      // probe waited for; the first fragment then came a whole GOP later (measured: 13–16 s cold
      // with an 8.4 s GOP)
      'evidence',
    ),
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
