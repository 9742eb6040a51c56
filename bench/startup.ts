/**
 * Start-up cost of the CLI: `canary --help` (must not load client-node or axios), `canary lint` on the
 * seed, and a bare `node -e ""` as the floor. Wall time per spawned process, median of N runs.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fmtMs, median, percentile } from './stats.js';

export interface StartupResult {
  label: string;
  command: string;
  runs: number;
  medianMs: number;
  p95Ms: number;
}

function time(label: string, args: string[], runs: number): StartupResult {
  const samples: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    const ms = performance.now() - t0;
    if (r.status !== 0 && r.status !== 2) throw new Error(`${args.join(' ')} exited ${r.status}`);
    if (i >= 2) samples.push(ms); // two warm-up runs fill the page cache
  }
  return { label, command: `node ${args.join(' ')}`, runs, medianMs: median(samples), p95Ms: percentile(samples, 95) };
}

export function measureStartup(runs = 20): StartupResult[] {
  return [
    time('node (floor)', ['-e', ''], runs),
    time('canary --help', ['bin/canary.js', '--help'], runs),
    time('canary --version', ['bin/canary.js', '--version'], runs),
    time('canary lint examples/seed/', ['bin/canary.js', 'lint', 'examples/seed/'], runs),
  ];
}

export function startupTable(results: StartupResult[]): string {
  const rows = results.map((r) => `| \`${r.label}\` | ${fmtMs(r.medianMs)} | ${fmtMs(r.p95Ms)} | ${r.runs} |`);
  return ['| command | median | p95 | runs |', '|---|---|---|---|', ...rows].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(startupTable(measureStartup(Number(process.argv[2] ?? 20))));
}
