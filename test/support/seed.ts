/** Variants of the seed article's Rollout (examples/seed/, never edited) for CLI tests without Prometheus. */
import { readFileSync } from 'node:fs';

/** The seed's Rollout without its analysis: weight 30, then a pause until `canary promote`. */
export function seedWithoutAnalysis(): string {
  const seed = readFileSync('examples/seed/rollout.yaml', 'utf8');
  return `${seed.slice(0, seed.indexOf('      analysis:'))}      steps:\n        - setWeight: 30\n        - pause: {}\n${seed.slice(seed.indexOf('  selector:'))}`;
}
