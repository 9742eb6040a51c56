/**
 * Hostile input, in process (test/support/cli.ts runCli, the same main() as the binary): thousands
 * of mutated seed manifests, YAML-ish text and bytes, and conditions from the expression grammar,
 * through `canary lint`. Every case must end with exit 0 or 2 within 3 s, exit 2 must say
 * what is wrong (file:line:col), and nothing may crash (exit 70), hang, or print a stack trace.
 * Each property stops after its case count or its time budget, whichever comes first.
 */
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from '../support/cli.js';
import { condition, mutatedSeed, renderMutated, SEED_DOCS, yamlish } from './generators.js';
import { stringify } from 'yaml';

const CASE_BUDGET_MS = 3_000;
const PROPERTY_BUDGET_MS = 60_000;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'canary-fuzz-'));
  // The first call compiles the lint command's modules (ts-jest): not a case.
  writeCase({ 'x.yaml': 'a: 1' });
  await runCli(['lint', dir]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeCase(files: Record<string, string | Buffer>): string {
  for (const f of readdirSync(dir)) rmSync(join(dir, f), { force: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Runs `canary lint` on the files and checks the contract; returns the exit code. */
export async function lintSurvives(files: Record<string, string | Buffer>): Promise<number> {
  const d = writeCase(files);
  const t0 = performance.now();
  const r = await runCli(['lint', d]);
  const ms = performance.now() - t0;
  const out = r.stdout + r.stderr;
  const problems: string[] = [];
  if (r.code !== 0 && r.code !== 2) problems.push(`exit ${r.code}`);
  if (/internal error/.test(out)) problems.push('internal error');
  if (out.split('\n').some((l) => /^\s+at .+:\d+:\d+\)?$/.test(l))) problems.push('stack trace');
  if (r.code === 2 && !/:\d+:\d+: |error:/.test(out)) problems.push('exit 2 without a located message');
  if (ms > CASE_BUDGET_MS) problems.push(`took ${ms.toFixed(0)} ms`);
  if (problems.length) throw new Error(`${problems.join(', ')}\n--- output\n${out.slice(0, 3000)}\n--- files\n${Object.entries(files).map(([n, t]) => `# ${n}\n${String(t).slice(0, 3000)}`).join('\n')}`);
  return r.code;
}

const runs = (n: number) => ({ numRuns: n, interruptAfterTimeLimit: PROPERTY_BUDGET_MS, markInterruptAsFailure: false, seed: Number(process.env.FUZZ_SEED ?? 9) });

describe('canary lint on hostile input (in process)', () => {
  const codes = new Map<string, Record<number, number>>();
  const count = (what: string, code: number) => {
    const c = codes.get(what) ?? {};
    c[code] = (c[code] ?? 0) + 1;
    codes.set(what, c);
  };
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log([...codes].map(([w, c]) => `${w}: ${Object.entries(c).map(([k, n]) => `exit ${k} x${n}`).join(', ')}`).join('\n'));
  });

  it('the seed lints clean as written (the mutations start from a valid set)', async () => {
    expect(await lintSurvives({ 'seed.yaml': SEED_DOCS.map((d) => stringify(d)).join('\n---\n') })).toBe(0);
  });

  it('mutated seed manifests: 2000 cases', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSeed, async (c) => {
        count('mutated', await lintSurvives(renderMutated(c)));
      }),
      runs(2000),
    );
  });

  it('YAML-ish text: 1500 cases', async () => {
    await fc.assert(
      fc.asyncProperty(yamlish, async (text) => {
        count('yamlish', await lintSurvives({ 'x.yaml': text }));
      }),
      runs(1500),
    );
  });

  it('arbitrary bytes: 500 cases', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
        count('bytes', await lintSurvives({ 'x.yaml': Buffer.from(bytes) }));
      }),
      runs(500),
    );
  });

  it('conditions from the expression grammar in the seed template: 1500 cases', async () => {
    const template = SEED_DOCS.find((d) => (d as { kind?: string }).kind === 'AnalysisTemplate') as { spec: { metrics: Record<string, unknown>[] } };
    await fc.assert(
      fc.asyncProperty(condition, condition, async (success, failure) => {
        const t = structuredClone(template);
        t.spec.metrics[0]!['successCondition'] = success;
        t.spec.metrics[0]!['failureCondition'] = failure;
        const others = SEED_DOCS.filter((d) => d !== (template as unknown));
        count('conditions', await lintSurvives({ 'all.yaml': [...others, t].map((d) => stringify(d, { lineWidth: 0 })).join('\n---\n') }));
      }),
      runs(1500),
    );
  });

  it.each([
    ['an alias bomb (billion laughs)', 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n'],
    ['10 000 nested flow sequences', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['10 000 nested block mappings', Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
    ['a Rollout with 5 000 steps', stringify({ ...(SEED_DOCS[0] as object), spec: { ...(SEED_DOCS[0] as { spec: object }).spec, strategy: { canary: { ...((SEED_DOCS[0] as { spec: { strategy: { canary: object } } }).spec.strategy.canary), steps: Array.from({ length: 5_000 }, (_, i) => (i % 2 ? { pause: { duration: '1s' } } : { setWeight: i % 100 })) } } } })],
    ['1 000 documents', Array.from({ length: 1_000 }, (_, i) => `kind: ConfigMap\napiVersion: v1\nmetadata: {name: c${i}}`).join('\n---\n')],
    ['a NUL byte in a key', 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmeta\u0000data: {}\n'],
  ])('%s: exit 0 or 2 within 3 s, with a message', async (_name, text) => {
    expect([0, 2]).toContain(await lintSurvives({ 'x.yaml': text }));
  });
});
