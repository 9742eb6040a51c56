/**
 * A metric's recent values in one glance: ▁▂▃▄▅▆▇█ scaled between the smallest and the largest,
 * a flat line when they are all equal (nothing moved, whatever the level), `·` where a measurement
 * had no number (error, empty result, NaN).
 */
const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;
const MISSING = '·';
const FLAT = '▄';

export function sparkline(samples: readonly (number | null)[]): string {
  const numbers = samples.filter((v): v is number => v !== null && Number.isFinite(v));
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  return samples
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return MISSING;
      if (max === min) return FLAT;
      return BARS[Math.round(((v - min) / (max - min)) * (BARS.length - 1))]!;
    })
    .join('');
}
