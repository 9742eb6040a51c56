/**
 * Every example row in docs/conditions.md is evaluated here, so the page cannot drift from the
 * implementation. Examples are the rows of tables whose last column is "Value": that cell is a code
 * span (the value as Go prints it) or `error: <code span>`. Among the cells before it, code spans
 * are the expression and, when there are two, the `result` as JSON ("NaN", "+Inf" standing for the
 * floats JSON cannot write).
 */
import { readFileSync } from 'node:fs';
import { evalConditionValue, ExprError, formatValue } from '../../src/expr/index.js';

const DEFAULT_RESULT = [0.5, 2, 3.25];
const NOW = Date.UTC(2024, 0, 1);

interface Example {
  line: number;
  expression: string;
  result: unknown;
  expected: { value: string } | { error: string };
}

function cells(row: string): string[] {
  // Split on | that is not escaped; `\|` inside code spans stands for |.
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** The content of a cell that is exactly one code span, else null. */
function codeSpan(cell: string): string | null {
  const m = /^(`+) ?(.*?) ?\1$/.exec(cell);
  return m && !m[2]!.includes(m[1]!) ? m[2]! : null;
}

function json(text: string): unknown {
  if (text === '"NaN"') return NaN;
  return JSON.parse(text, (_key, value: unknown) => {
    if (value === 'NaN') return NaN;
    if (value === '+Inf') return Infinity;
    if (value === '-Inf') return -Infinity;
    return value;
  });
}

function examples(markdown: string): Example[] {
  const out: Example[] = [];
  const lines = markdown.split('\n');
  let inValueTable = false;
  lines.forEach((row, i) => {
    if (!row.startsWith('|')) {
      inValueTable = false;
      return;
    }
    if (/^\|[-| ]+\|$/.test(row)) return;
    const parts = cells(row);
    if (/^\|[-| ]+\|$/.test(lines[i + 1] ?? '')) {
      inValueTable = parts[parts.length - 1] === 'Value';
      return;
    }
    if (!inValueTable) return;
    const last = parts[parts.length - 1]!;
    const error = /^error: (`+.*`+)$/.exec(last);
    const value = error ? null : codeSpan(last);
    const spans = parts.slice(0, -1).map(codeSpan).filter((s): s is string => s !== null);
    if (value === null && !error) throw new Error(`line ${i + 1}: the Value cell is not a code span: ${last}`);
    if (spans.length === 0 || spans.length > 2) throw new Error(`line ${i + 1}: expected an expression and maybe a result`);
    out.push({
      line: i + 1,
      expression: spans[0]!,
      result: spans.length === 2 ? json(spans[1]!) : DEFAULT_RESULT,
      expected: error ? { error: codeSpan(error[1]!)! } : { value: value! },
    });
  });
  return out;
}

const doc = readFileSync(new URL('../../docs/conditions.md', import.meta.url), 'utf8');
const all = examples(doc);

it('finds the examples', () => {
  expect(all.length).toBeGreaterThan(100);
});

it.each(all.map((e) => [`line ${e.line}: ${e.expression}`, e] as const))('%s', (_name, example) => {
  let outcome: { value: string } | { error: string };
  try {
    outcome = { value: formatValue(evalConditionValue(example.expression, example.result, { nowMs: NOW })) };
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    outcome = { error: err.message };
  }
  expect(outcome).toEqual(example.expected);
});
