/**
 * canary against expr v1.17.8 itself: test/expr/oracle/recorded.json holds the real expr's
 * answers (as Argo compiles conditions) to about 26,000 conditions, from expr's own fuzz corpus
 * moved into Argo's environment and from generated conditions over every result shape. Each answer
 * is a compile error, a run error or a value with its Go type, as %T and %v print them; canary
 * must give the same, message for message. See test/expr/oracle/README.md to regenerate.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { evalConditionValue, ExprError, formatValue, typeName } from '../../src/expr/index.js';

type Row = [expr: string, kind: string, value: unknown, phase: 'compile' | 'run' | 'value', typeOrMessage: string, value?: string];

const recorded = JSON.parse(readFileSync(new URL('./oracle/recorded.json', import.meta.url), 'utf8')) as { expr: string; cases: Row[] };
const special = (x: unknown) => (x === 'NaN' ? NaN : x === '+Inf' ? Infinity : x === '-Inf' ? -Infinity : x);

function canary(row: Row): string {
  const [expr, kind, raw] = row;
  let result: unknown = null;
  let json = false;
  if (kind === 'float64') result = special(raw);
  else if (kind === '[]float64') result = (raw as unknown[]).map(special);
  else if (kind === 'string') result = raw;
  else if (kind === 'json') {
    result = JSON.parse(raw as string);
    json = true;
  }
  try {
    const value = evalConditionValue(expr, result, { json, nowMs: 0 });
    return JSON.stringify(['value', typeName(value), formatValue(value)]);
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    return JSON.stringify([err.phase === 'compile' ? 'compile' : 'run', err.message]);
  }
}

const expected = (row: Row) => JSON.stringify(row.slice(3));

it('holds expr v1.17.8 answers for a large set of conditions', () => {
  expect(recorded.expr).toBe('github.com/expr-lang/expr v1.17.8');
  expect(recorded.cases.length).toBeGreaterThan(20_000);
  const phases = new Set(recorded.cases.map((r) => r[3]));
  expect([...phases].sort()).toEqual(['compile', 'run', 'value']);
});

it('gives expr v1.17.8 answer for every recorded condition', () => {
  const differences = recorded.cases
    .filter((row) => canary(row) !== expected(row))
    .map((row) => `${row[0]} [${row[1]} ${JSON.stringify(row[2])}]: expr ${expected(row)}, canary ${canary(row)}`);
  expect(differences.slice(0, 20)).toEqual([]);
});

it('agrees with the recorded answer for any condition drawn from the table', () => {
  fc.assert(
    fc.property(fc.constantFrom(...recorded.cases), (row) => {
      expect([row[0], canary(row)]).toEqual([row[0], expected(row)]);
    }),
    { numRuns: 2000 },
  );
});
