/**
 * Hostile Prometheus answers through the measurement path, in process: `canary analyze --once`
 * against a loopback server that answers each case with odd values (NaN, Inf, huge, missing),
 * wrong shapes, error statuses, HTML or bytes, under conditions that index, count, convert and
 * iterate. The verdict must be an exit code of analyze (0, 1, 7; 2 for a condition lint refuses)
 * with a message, never a crash (70), a hang, or a stack trace.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { runCli } from '../support/cli.js';
import { condition, promAnswer } from './generators.js';

const CONDITIONS = [
  'len(result) == 0 || result[0] == 0',
  'len(result) > 0 && result[0] > 0',
  'result[0] >= 0.95',
  'isNaN(result[0]) || isInf(result[0])',
  'all(result, {# < 1})',
  'default(result[0], 0) < 5',
  'asInt(result[0]) == 1',
  'result == nil',
  'len(filter(result, # > 0)) > 1',
];

let server: Server;
let answer: { status: number; body: string; type: string } = { status: 200, body: '{}', type: 'application/json' };
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'canary-fuzz-analyze-'));
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'Content-Type': answer.type });
    res.end(answer.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // The first call compiles the analyze command's modules (ts-jest): not a case.
  answer = { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }), type: 'application/json' };
  writeFileSync(join(dir, 'template.yaml'), template('len(result) == 0', null));
  await runCli(['analyze', join(dir, 'template.yaml'), '--once', '--time-scale', '0.001', '-o', 'json'], { env: { PATH: process.env.PATH, HOME: dir } });
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function template(success: string, failure: string | null): string {
  const port = (server.address() as AddressInfo).port;
  return stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'fuzz', namespace: 'apps' },
    spec: {
      metrics: [
        {
          name: 'm',
          successCondition: success,
          ...(failure ? { failureCondition: failure } : {}),
          provider: { prometheus: { address: `http://127.0.0.1:${port}`, query: 'sum(up)', timeout: 2 } },
        },
      ],
    },
  });
}

async function analyzeSurvives(a: typeof answer, success: string, failure: string | null, allowUsage: boolean): Promise<number> {
  answer = a;
  const file = join(dir, 'template.yaml');
  writeFileSync(file, template(success, failure));
  const t0 = performance.now();
  // Errors are retried (consecutiveErrorLimit) after Argo's 10 s; --time-scale makes that 10 ms.
  const r = await runCli(['analyze', file, '--once', '--time-scale', '0.001', '-o', 'json'], { env: { PATH: process.env.PATH, HOME: dir } });
  const ms = performance.now() - t0;
  const out = r.stdout + r.stderr;
  const problems: string[] = [];
  if (![0, 1, 7, ...(allowUsage ? [2] : [])].includes(r.code)) problems.push(`exit ${r.code}`);
  if (/internal error/.test(out)) problems.push('internal error');
  if (out.split('\n').some((l) => /^\s+at .+:\d+:\d+\)?$/.test(l))) problems.push('stack trace');
  if (!out.trim()) problems.push('no output');
  if (ms > 5_000) problems.push(`took ${ms.toFixed(0)} ms`);
  if (problems.length) throw new Error(`${problems.join(', ')}\n--- answer\n${JSON.stringify(a).slice(0, 1500)}\n--- conditions\n${success}\n${failure}\n--- output\n${out.slice(0, 3000)}`);
  return r.code;
}

const runs = (n: number) => ({ numRuns: n, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: false, seed: Number(process.env.FUZZ_SEED ?? 9) });

describe('canary analyze on hostile Prometheus answers (in process)', () => {
  const codes: Record<number, number> = {};
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`analyze: ${Object.entries(codes).map(([k, n]) => `exit ${k} x${n}`).join(', ')}`);
  });

  it('odd answers under conditions that index, count, convert and iterate: 500 cases', async () => {
    await fc.assert(
      fc.asyncProperty(promAnswer, fc.constantFrom(...CONDITIONS), fc.option(fc.constantFrom(...CONDITIONS), { nil: null }), async (a, s, f) => {
        const code = await analyzeSurvives(a, s, f, false);
        codes[code] = (codes[code] ?? 0) + 1;
      }),
      runs(500),
    );
  });

  it('conditions from the grammar over well-formed answers: 400 cases', async () => {
    await fc.assert(
      fc.asyncProperty(promAnswer, condition, async (a, s) => {
        const code = await analyzeSurvives(a, s, null, true);
        codes[code] = (codes[code] ?? 0) + 1;
      }),
      runs(400),
    );
  });
});
