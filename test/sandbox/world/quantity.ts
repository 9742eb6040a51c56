/**
 * TrafficSplit v1alpha1 weights are resource.Quantity (`x-kubernetes-int-or-string`): Flagger writes
 * integers, older tooling writes "500m" (half of one unit). v1alpha2+ weights are plain numbers.
 */
const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The numeric value of a weight, or undefined when it is not a valid quantity or number. */
export function parseWeight(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*([+]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?\s*$/.exec(value);
  if (!m) return undefined;
  const base = Number(m[1]);
  const exp = m[2] ? 10 ** Number(m[2]) : 1;
  return base * exp * SUFFIX[m[3] ?? '']!;
}
