/** Variants of the seed article's Rollout (examples/seed/, never edited) for CLI tests without Prometheus. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

/** The seed's Rollout without its analysis: weight 30, then a pause until `canary promote`. */
export function seedWithoutAnalysis(): string {
  const seed = readFileSync('examples/seed/rollout.yaml', 'utf8');
  return `${seed.slice(0, seed.indexOf('      analysis:'))}      steps:\n        - setWeight: 30\n        - pause: {}\n${seed.slice(seed.indexOf('  selector:'))}`;
}

/** A sandbox without Prometheus, a temporary directory holding the Rollout, and the env the CLI runs with. */
export interface CliWorld {
  sb: Sandbox;
  dir: string;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function cliWorld(prefix: string, rollout: string | null = seedWithoutAnalysis()): Promise<CliWorld> {
  const sb = await startSandbox({ scenario: 'seed', prometheus: false, load: false, podStartDelayMs: 20, log: () => undefined });
  const dir = mkdtempSync(join(tmpdir(), `canary-${prefix}-`));
  if (rollout !== null) writeFileSync(join(dir, 'rollout.yaml'), rollout);
  return {
    sb,
    dir,
    env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: sb.kubeconfigPath },
    close: async () => {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
