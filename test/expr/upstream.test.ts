/**
 * expr-lang/expr v1.17.8's own test tables (test/expr/upstream/expr-tests.json, each row naming
 * its file, test and line): canary gives expr's answer for every case, and the value cases agree
 * with upstream's `want` column too.
 */
import { readFileSync } from 'node:fs';
import { evalConditionValue, ExprError, formatValue, typeName } from '../../src/expr/index.js';

interface Answer {
  phase: 'compile' | 'run' | 'value';
  message?: string;
  type?: string;
  value?: string;
}

interface Row {
  source: string;
  line: number;
  expr: string;
  result?: { kind: string; value?: unknown };
  want: string;
  expr_v1_17_8: Answer;
  canary?: Answer;
  why?: string;
}

const rows = JSON.parse(readFileSync(new URL('./upstream/expr-tests.json', import.meta.url), 'utf8')) as Row[];

function canary(row: Row): Answer {
  const kind = row.result?.kind ?? 'nil';
  const raw = row.result?.value;
  let result: unknown = null;
  let json = false;
  if (kind === 'float64') result = raw;
  else if (kind === '[]float64') result = raw;
  else if (kind === 'json') {
    result = JSON.parse(raw as string);
    json = true;
  }
  try {
    const value = evalConditionValue(row.expr, result, { json, nowMs: 0 });
    return { phase: 'value', type: typeName(value), value: formatValue(value) };
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    return { phase: err.phase === 'compile' ? 'compile' : 'run', message: err.message };
  }
}

const file = (row: Row) => row.source.split(' ')[1]!;

it('ports every upstream test file named in the brief', () => {
  const files = new Set(rows.map(file));
  for (const f of ['builtin/builtin_test.go', 'expr_test.go', 'checker/checker_test.go', 'parser/parser_test.go', 'parser/lexer/lexer_test.go', 'optimizer/optimizer_test.go']) {
    expect(files).toContain(f);
  }
  expect(rows.length).toBeGreaterThan(500);
});

it.each(rows.map((r) => [`${r.source}:${r.line} ${r.expr.slice(0, 80)}`, r] as const))('%s', (_name, row) => {
  expect(canary(row)).toEqual(row.canary ?? row.expr_v1_17_8);
});

/** Upstream's `want` when it is a plain Go literal: an int, a float, a string, a bool or nil. */
function plainWant(want: string): { number: number } | { text: string } | null {
  const w = want.replace(/\/\/.*$/, '').trim();
  if (/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(w)) return { number: Number(w) };
  if (/^"(\\.|[^"\\])*"$/.test(w)) return { text: JSON.parse(w) as string };
  if (w === 'true' || w === 'false') return { text: w };
  if (w === 'nil') return { text: '<nil>' };
  return null;
}

const valueRows = rows.filter((r) => /TestBuiltin$|TestExpr$|TestBuiltin_works_with_any$/.test(r.source) && r.expr_v1_17_8.phase === 'value' && plainWant(r.want));

it('upstream value tables: expr and canary give upstream want', () => {
  expect(valueRows.length).toBeGreaterThan(90);
  for (const row of valueRows) {
    const want = plainWant(row.want)!;
    const got = canary(row).value!;
    if ('number' in want) expect([row.expr, Number(got)]).toEqual([row.expr, want.number]);
    else expect([row.expr, got]).toEqual([row.expr, want.text]);
  }
});
