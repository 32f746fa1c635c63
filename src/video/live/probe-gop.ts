/** One video packet as ffprobe's `-show_entries packet=pts_time,flags` writes it. */
export interface PacketRow {
  pts_time?: string;
  flags?: string;
}

/**
 * The GOP (seconds between keyframes) from the probe's packets, pure. Two keyframes seen: the median
 * of their intervals, to 2 decimals. Fewer: the GOP is longer than the longest stretch read without a
 * keyframe in it (a camera with an 8 s GOP, probed for 4 s), reported as such rather than guessed.
 */
export function gopOf(packets: readonly PacketRow[]): { gopSeconds?: number; gopLongerThanSeconds?: number } {
  const times = packets
    .map((p) => ({ t: Number(p.pts_time), key: (p.flags ?? '').includes('K') }))
    .filter((p) => Number.isFinite(p.t));
  const keys = times.filter((p) => p.key).map((p) => p.t);
  if (keys.length >= 2) {
    const gaps = keys
      .slice(1)
      .map((t, i) => t - keys[i]!)
      .sort((a, b) => a - b);
    return { gopSeconds: Math.round(gaps[Math.floor(gaps.length / 2)]! * 100) / 100 };
  }
  if (times.length < 2) return {};
  const first = Math.min(...times.map((p) => p.t));
  const last = Math.max(...times.map((p) => p.t));
  // one keyframe: the GOP is longer than the stretch on either side of it that held no other
  const span = keys.length === 1 ? Math.max(keys[0]! - first, last - keys[0]!) : last - first;
  return { gopLongerThanSeconds: Math.round(span * 10) / 10 };
}
