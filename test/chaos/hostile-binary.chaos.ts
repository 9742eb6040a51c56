/**
 * Hostile input through the real binary: a few hundred cases drawn (with a fixed seed) from the
 * generators of test/fuzz, each linted by `node bin/canary.js lint` as a user would run it, and
 * in process. The binary must exit 0 or 2 with a message, never crash or print a stack trace,
 * and say exactly what the in-process run says (the fuzzing in test/fuzz covers the binary too).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { BIN, ROOT } from '../e2e/support/harness.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../../bench/lib/fixtures.js';
import { condition, mutatedSeed, renderMutated, SEED_DOCS, yamlish } from '../fuzz/generators.js';
import { stackFrames } from './support/chaos.js';

const CASES = 300;

function binary(dir: string): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [BIN, 'lint', dir], { cwd: ROOT, env: { PATH: process.env.PATH, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('exit', (code, signal) => resolve({ code: code ?? 128 + (signal ? 9 : 0), stdout, stderr, ms: performance.now() - t0 }));
  });
}

describe('hostile input through the real binary', () => {
  const tmp = tempDir('chaos-hostile');
  afterAll(() => tmp.remove());

  it(`${CASES} cases: exit 0 or 2 with a message, no crash or stack trace, the same answer as in process`, async () => {
    if (!existsSync(BIN)) throw new Error('run npm run build first (npm run test:chaos does)');
    const template = SEED_DOCS.find((d) => (d as { kind?: string }).kind === 'AnalysisTemplate') as { spec: { metrics: Record<string, unknown>[] } };
    const withCondition = (c: string): Record<string, string> => {
      const t = structuredClone(template);
      t.spec.metrics[0]!['successCondition'] = c;
      return { 'all.yaml': [...SEED_DOCS.filter((d) => d !== (template as unknown)), t].map((d) => stringify(d, { lineWidth: 0 })).join('\n---\n') };
    };
    const cases: Record<string, string | Buffer>[] = [
      ...fc.sample(mutatedSeed, { numRuns: CASES * 0.5, seed: 21 }).map(renderMutated),
      ...fc.sample(yamlish, { numRuns: CASES * 0.2, seed: 22 }).map((t) => ({ 'x.yaml': t })),
      ...fc.sample(fc.uint8Array({ maxLength: 300 }), { numRuns: CASES * 0.1, seed: 23 }).map((b) => ({ 'x.yaml': Buffer.from(b) })),
      ...fc.sample(condition, { numRuns: CASES * 0.2, seed: 24 }).map(withCondition),
    ];
    const problems: string[] = [];
    const codes: Record<number, number> = {};
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < cases.length; i = next++) {
        const dir = join(tmp.dir, `case-${i}`);
        mkdirSync(dir, { recursive: true });
        for (const [name, text] of Object.entries(cases[i]!)) writeFileSync(join(dir, name), text);
        const b = await binary(dir);
        const inproc = await runCli(['lint', dir]);
        codes[b.code] = (codes[b.code] ?? 0) + 1;
        const out = b.stdout + b.stderr;
        const why: string[] = [];
        if (b.code !== 0 && b.code !== 2) why.push(`exit ${b.code}`);
        if (/internal error/.test(out) || stackFrames(out).length) why.push('crash or stack trace');
        if (b.code === 2 && !/:\d+:\d+: |error:/.test(out)) why.push('exit 2 without a located message');
        if (b.code !== inproc.code || b.stdout !== inproc.stdout || b.stderr !== inproc.stderr) why.push(`differs from in process (exit ${inproc.code})`);
        if (why.length) problems.push(`case ${i}: ${why.join(', ')}\n${out.slice(0, 1500)}`);
        rmSync(dir, { recursive: true, force: true });
      }
    };
    await Promise.all([worker(), worker()]);
    // eslint-disable-next-line no-console
    console.log(`real binary, ${cases.length} cases: ${Object.entries(codes).map(([k, n]) => `exit ${k} x${n}`).join(', ')}`);
    expect(problems).toEqual([]);
  });
});
