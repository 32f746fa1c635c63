/**
 * Which reviewed crops are held back from training to judge the result (pure, deterministic): every
 * k-th crop in review order, k = round(1 / share), so held-back crops come from the whole period and not
 * from one day's camera and light.
 */
export function holdBackIndex(n: number, share: number): Set<number> {
  const k = Math.max(2, Math.round(1 / share));
  const out = new Set<number>();
  for (let i = k - 1; i < n; i += k) out.add(i);
  return out;
}
