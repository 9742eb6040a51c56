/**
 * Start-up cost of the CLI: `canary --help` (must not load client-node or axios), `canary lint` on the
 * seed, and a bare `node -e ""` as the floor. Wall time per spawned process, median of N runs.
 * With a sandbox: `canary status` (one shot) and `kubectl get` of the same objects against it,
 * each process with the same temporary HOME (kubectl's discovery cache warmed by the warm-up runs).
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fmtMs, median, percentile } from './stats.js';

export interface StartupResult {
  label: string;
  command: string;
  runs: number;
  medianMs: number;
  p95Ms: number;
}

export interface Target {
  label: string;
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Shown in the table instead of cmd + args. */
  shown?: string;
}

/** One run, asynchronously: the sandbox's API server may live in this very process. */
function once(t: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(t.cmd, t.args, { stdio: ['ignore', 'ignore', 'pipe'], ...(t.env ? { env: t.env } : {}) });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve(ms);
      else reject(new Error(`${t.cmd} ${t.args.join(' ')} exited ${code}: ${err.slice(0, 2000)}`));
    });
  });
}

const node = (label: string, args: string[]): Target => ({ label, cmd: process.execPath, args, shown: `node ${args.join(' ')}` });

export function measureStartup(runs = 20): Promise<StartupResult[]> {
  return measure(
    [
      node('node (floor)', ['-e', '']),
      node('canary --help', ['bin/canary.js', '--help']),
      node('canary --version', ['bin/canary.js', '--version']),
      node('canary lint examples/seed/', ['bin/canary.js', 'lint', 'examples/seed/']),
    ],
    runs,
  );
}

/**
 * `runs` timed runs of each target after two warm-up runs (page cache, kubectl's discovery cache),
 * in interleaved rounds so that a burst of load on the machine hits every command alike.
 */
export async function measure(targets: Target[], runs: number): Promise<StartupResult[]> {
  for (const t of targets) for (let w = 0; w < 2; w++) await once(t);
  const rounds = Math.max(1, Math.min(runs, 4));
  const samples = targets.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < targets.length; i++) {
      const want = Math.ceil(((r + 1) * runs) / rounds) - Math.ceil((r * runs) / rounds);
      for (let k = 0; k < want; k++) samples[i]!.push(await once(targets[i]!));
    }
  }
  return targets.map((t, i) => ({
    label: t.label,
    command: t.shown ?? `${t.cmd} ${t.args.join(' ')}`,
    runs: samples[i]!.length,
    medianMs: median(samples[i]!),
    p95Ms: percentile(samples[i]!, 95),
  }));
}

export function startupTable(results: StartupResult[], base?: string): string {
  const ref = base ? results.find((r) => r.label === base) : undefined;
  const head = ref ? `| command | median | p95 | runs | vs \`${ref.label}\` |` : '| command | median | p95 | runs |';
  const rows = results.map((r) => `| \`${r.label}\` | ${fmtMs(r.medianMs)} | ${fmtMs(r.p95Ms)} | ${r.runs} |${ref ? ` ${(r.medianMs / ref.medianMs).toFixed(2)}x |` : ''}`);
  return [head, ref ? '|---|---|---|---|---|' : '|---|---|---|---|', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(startupTable(await measureStartup(Number(process.argv[2] ?? 20))));
}
