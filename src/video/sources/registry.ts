import { SourceErrors } from './errors.ts';
import { fileSource } from './file.ts';
import { httpSource } from './http.ts';
import { rtspSource } from './rtsp.ts';
import type { CameraSource, SourcePurpose, SourceType } from './types.ts';

/**
 * The camera source types, keyed by URL scheme. A new kind of camera is one file exporting its
 * SourceType plus one line below; ingest, the live relay, the probe, the evidence ring and
 * `config check` all see it from here.
 */
const bySchemes = new Map<string, SourceType>();

/** Adds a source type; returns the function that removes it again (tests). */
export function registerSourceType(type: SourceType): () => void {
  for (const scheme of type.schemes) {
    const taken = bySchemes.get(scheme);
    if (taken) throw new Error(`source type ${type.id}: scheme "${scheme}" is already ${taken.id}'s`);
  }
  for (const scheme of type.schemes) bySchemes.set(scheme, type);
  return () => {
    for (const scheme of type.schemes) if (bySchemes.get(scheme) === type) bySchemes.delete(scheme);
  };
}

registerSourceType(rtspSource);
registerSourceType(httpSource);
registerSourceType(fileSource);

/** The URL's scheme, lower-cased; '' for a bare path (`/clips/a.mp4`, `clips/a.mp4`). */
export function schemeOf(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return m ? m[1]!.toLowerCase() : '';
}

/** The type that opens this URL; undefined when none is registered for its scheme (or it is empty). */
export function sourceTypeFor(url: string): SourceType | undefined {
  return url.trim() === '' ? undefined : bySchemes.get(schemeOf(url));
}

/** The registered schemes, for messages ('' shown as "a file path"). */
export function handledSchemes(): string[] {
  return [...bySchemes.keys()].sort();
}

/**
 * ffmpeg's (or ffprobe's) input arguments for a camera: the protocol's options, then what the purpose
 * asks of a live or a looping source, then `-i <target>`. Callers add their own decoding and output
 * options around it. Throws JH_ERR_CAMERA_SCHEME_UNSUPPORTED for a scheme nobody handles (config
 * check refuses those before the service starts).
 */
export function inputArgs(source: CameraSource, purpose: SourcePurpose): string[] {
  const type = sourceTypeFor(source.url);
  if (!type) throw SourceErrors.unsupportedScheme({ scheme: schemeOf(source.url) });
  return [...type.options(source, purpose), ...purposeOptions(type, purpose), '-i', type.target(source.url)];
}

function purposeOptions(type: SourceType, purpose: SourcePurpose): string[] {
  // ffprobe reads a few packets once: no pacing, no looping, no timestamp rewriting
  if (purpose === 'probe') return [];
  // a recording plays at its own pace and loops, like a camera that never stops
  if (type.loops) return ['-re', '-stream_loop', '-1'];
  // Frames are stamped with our receive time: a camera clock that jumps (or wraps) cannot make the
  // sampler stop or burst. Never for a looping file: `-re` paces reading by the packets' timestamps,
  // and wall-clock ones (≈ 1.8e9 s) would make it wait for ever (one frame, then nothing).
  if (purpose === 'ingest') return ['-use_wallclock_as_timestamps', '1'];
  // the relay must not queue seconds of input; but nobuffer starves `-re` file reads (measured:
  // 20 kB in 4 s), hence live sources only
  if (purpose === 'live') return ['-fflags', 'nobuffer'];
  // the ring copies packets as they come (`-c copy`); nothing to add
  return [];
}
