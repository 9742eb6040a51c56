// Writes the conditions the oracle answers, one JSON case per line, to stdout:
//   node test/expr/oracle/cases.mjs FUZZ_CORPUS > cases.jsonl
// FUZZ_CORPUS is expr-lang/expr's test/fuzz/fuzz_corpus.txt at v1.17.8. Its expressions use the
// fuzz environment's variables; each is rewritten to Argo's environment (the main variable becomes
// `result`, others become expressions of the same type) and paired with a result. Then come
// generated conditions over every result shape Argo's providers produce. Deterministic: the same
// corpus gives the same cases.
import { readFileSync } from 'node:fs';

const corpusPath = process.argv[2];
if (!corpusPath) {
  console.error('usage: node cases.mjs FUZZ_CORPUS');
  process.exit(2);
}

// A small deterministic PRNG (mulberry32), so the cases never depend on the machine.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(1708);
const pick = (list) => list[Math.floor(random() * list.length)];

const RESULTS = {
  nil: { kind: 'nil' },
  scalar: { kind: 'float64', value: 0.5 },
  scalarWhole: { kind: 'float64', value: 2 },
  scalarNaN: { kind: 'float64', value: 'NaN' },
  scalarInf: { kind: 'float64', value: '+Inf' },
  vector: { kind: '[]float64', value: [0.5, 2, 3.25] },
  vectorOne: { kind: '[]float64', value: [0.99] },
  vectorEmpty: { kind: '[]float64', value: [] },
  vectorNaN: { kind: '[]float64', value: ['NaN', 1] },
  range: { kind: '[]float64', value: [1, 2, 3, 4, 5] },
  text: { kind: 'string', value: 'ok' },
  numberText: { kind: 'string', value: '0.95' },
  jsonObject: { kind: 'json', value: '{"status":"ok","data":{"rate":0.99,"count":3,"series":[1,2,3],"tags":["a","b"]},"empty":null}' },
  jsonArray: { kind: 'json', value: '[1,2,3]' },
  jsonMixed: { kind: 'json', value: '[{"name":"a","value":1},{"name":"b","value":2.5},{"name":"a","value":3}]' },
  jsonBool: { kind: 'json', value: 'true' },
  jsonNumber: { kind: 'json', value: '42' },
  jsonString: { kind: 'json', value: '"1.1"' },
};
const SHAPES = Object.keys(RESULTS);

const cases = [];
const seen = new Set();
function add(expr, resultName) {
  const key = `${resultName}\u0000${expr}`;
  if (seen.has(key) || expr.includes('now(')) return;
  seen.add(key);
  cases.push({ id: `c${cases.length}`, expr, result: RESULTS[resultName], shape: resultName });
}

// 1. expr's fuzz corpus, moved into Argo's environment.
const FUZZ_PRIMARY = {
  array: 'range',
  list: null,
  foo: null,
  ok: 'jsonBool',
  f64: 'scalar',
  f32: 'scalar',
  i: 'scalarWhole',
  i64: 'scalarWhole',
  i32: 'scalarWhole',
};
RESULTS.fuzzList = { kind: 'json', value: '[{"Bar":"bar"},{"Bar":"baz"}]' };
RESULTS.fuzzFoo = { kind: 'json', value: '{"Bar":"bar"}' };
FUZZ_PRIMARY.list = 'fuzzList';
FUZZ_PRIMARY.foo = 'fuzzFoo';
const STANDINS = {
  i: 'len("x")',
  i64: 'asInt(1)',
  i32: 'asInt(1)',
  f64: 'asFloat(0.5)',
  f32: 'asFloat(0.5)',
  ok: '(len("x") == 1)',
  array: '[1, 2, 3, 4, 5]',
  list: '[{"Bar": "bar"}, {"Bar": "baz"}]',
  foo: '{"Bar": "bar"}',
};
const UNUSABLE = new Set(['add', 'div', 'half', 'score', 'greet', 'fn']);
const IDENT = /(?<![.#\w$])([A-Za-z_$][A-Za-z0-9_$]*)/g;

function rewrite(line) {
  // Identifiers outside string literals, not after `.` or `#`.
  const parts = line.split(/("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`[^`]*`)/);
  const used = new Set();
  for (let i = 0; i < parts.length; i += 2) for (const m of parts[i].matchAll(IDENT)) used.add(m[1]);
  if ([...used].some((u) => UNUSABLE.has(u))) return null;
  const env = Object.keys(FUZZ_PRIMARY).filter((v) => used.has(v));
  const primary = env[0];
  for (let i = 0; i < parts.length; i += 2) {
    parts[i] = parts[i].replace(IDENT, (m, name) => {
      if (!(name in FUZZ_PRIMARY)) return m;
      return name === primary ? 'result' : STANDINS[name];
    });
  }
  return { expr: parts.join(''), shape: primary ? FUZZ_PRIMARY[primary] : null };
}

const corpus = readFileSync(corpusPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
let n = 0;
for (const line of corpus) {
  const moved = rewrite(line);
  if (!moved) continue;
  add(moved.expr, moved.shape ?? SHAPES[n++ % SHAPES.length]);
}

// 2. Generated conditions: Argo-style tests over every result shape, the builtins, and the
// operators, with literals of every type.
const NUMBERS = ['0', '1', '2', '-1', '0.5', '1.5', '0.99', '1e3', '3.25', '0.1', '.5', '100'];
const STRINGS = ['"ok"', '"a"', '"0.5"', '"1.1"', '""', '"Hello, World"', '"a,b,c"'];
const ATOMS = [
  'result', 'result[0]', 'result[1]', 'result[-1]', 'len(result)', 'result.data', 'result.data.rate', 'result?.data?.rate',
  'result.status', 'result[0].value', 'nil', 'true', 'false', ...NUMBERS, ...STRINGS, '[1, 2, 3]', '[0.5, "a", nil]', '{a: 1, b: "x"}',
  'asFloat(result)', 'asInt(result)', 'default(result, 0)', 'isNil(result)', 'first(result)', 'last(result)', 'sum(result)',
  'mean(result)', 'median(result)', 'max(result)', 'min(result)', 'result ?? 0', 'duration("1m30s")', 'duration("1h")',
  'date("2024-03-10")', 'date("2024-03-10 12:30:00")', 'int("42")', 'float("1.5")', 'string(result)', '1..3', 'count(result, # > 1)',
];
const BINARY = ['+', '-', '*', '/', '%', '**', '^', '==', '!=', '<', '<=', '>', '>=', 'and', 'or', '&&', '||', 'in', 'not in', '??', 'contains', 'startsWith', 'endsWith', 'matches', '..'];
const UNARY = ['-', 'not ', '!'];
const CALLS = [
  (x) => `len(${x})`, (x) => `abs(${x})`, (x) => `ceil(${x})`, (x) => `floor(${x})`, (x) => `round(${x})`, (x) => `int(${x})`,
  (x) => `float(${x})`, (x) => `string(${x})`, (x) => `type(${x})`, (x) => `isNaN(${x})`, (x) => `isInf(${x})`, (x) => `asInt(${x})`,
  (x) => `asFloat(${x})`, (x) => `upper(${x})`, (x) => `trim(${x})`, (x) => `toJSON(${x})`, (x) => `first(${x})`, (x) => `last(${x})`,
  (x) => `reverse(${x})`, (x) => `uniq(${x})`, (x) => `flatten(${x})`, (x) => `sort(${x})`, (x) => `keys(${x})`, (x) => `toPairs(${x})`,
  (x) => `all(${x}, # > 0)`, (x) => `any(${x}, # >= 2)`, (x) => `none(${x}, # < 0)`, (x) => `one(${x}, # == 2)`,
  (x) => `filter(${x}, # > 1)`, (x) => `map(${x}, # * 2)`, (x) => `count(${x}, # > 0.5)`, (x) => `sum(${x}, # * 2)`,
  (x) => `find(${x}, # > 1)`, (x) => `findIndex(${x}, # > 100)`, (x) => `findLast(${x}, # < 3)`, (x) => `findLastIndex(${x}, # > 1)`,
  (x) => `reduce(${x}, #acc + #, 0)`, (x) => `reduce(${x}, #acc + #)`, (x) => `sortBy(${x}, -#)`, (x) => `groupBy(${x}, # > 1)`,
  (x) => `take(${x}, 2)`, (x) => `get(${x}, 1)`, (x) => `max(${x}, 1)`, (x) => `min(${x}, 10)`, (x) => `mean(${x})`,
  (x) => `median(${x})`, (x) => `concat(${x}, [4])`, (x) => `${x}[1:]`, (x) => `${x}[:2]`, (x) => `bitand(${x}, 3)`,
  (x) => `bitshl(${x}, 2)`, (x) => `split(${x}, ",")`, (x) => `repeat(${x}, 2)`, (x) => `toBase64(${x})`, (x) => `fromJSON(${x})`,
  (x) => `default(${x}, 1)`, (x) => `isNil(${x})`, (x) => `${x} ?? "none"`, (x) => `(${x}) ? 1 : 2`, (x) => `let v = ${x}; v`,
  (x) => `if ${x} { 1 } else { 2 }`, (x) => `${x}; true`, (x) => `[${x}]`, (x) => `{k: ${x}}`, (x) => `${x}.Hours()`,
  (x) => `${x}.Year()`, (x) => `(${x}).String()`, (x) => `${x}?.Format("2006")`, (x) => `${x} | len()`,
];

function expression(depth) {
  const r = random();
  if (depth <= 0 || r < 0.3) return pick(ATOMS);
  if (r < 0.6) {
    const op = pick(BINARY);
    return `${expression(depth - 1)} ${op} ${expression(depth - 1)}`;
  }
  if (r < 0.67) return `${pick(UNARY)}${expression(depth - 1)}`;
  if (r < 0.72) return `(${expression(depth - 1)})`;
  return pick(CALLS)(expression(depth - 1));
}

for (let i = 0; i < 15000; i++) add(expression(1 + Math.floor(random() * 3)), pick(SHAPES));

// Argo-style conditions: a test of the result against a threshold, for every shape.
const TESTS = [
  'result == 0', 'result == "0.5"', 'result > 0.5', 'result[0] > 0.5', 'len(result) == 0 || result[0] == 0',
  'len(result) > 0 && result[0] > 0', 'all(result, # < 0.5)', 'any(result, # > 0.3)', 'isNaN(result[0]) || result[0] >= 0.99',
  'default(result, 0) < 5', 'asFloat(result) > 0.9', 'result.status == "ok" && result.data.rate < 0.3', 'isNil(result)',
  'result ?? 1', 'result?.data?.rate ?? 0 > 0.9', 'get(result, 0) == nil', '42 in ["a", "b"]', 'result[1.5]', '[1, 2][0.5]',
  'get(1, 2) == nil', 'findIndex(result, # > 5) == nil', 'result in [1, 2]', '"a" in result', 'result matches "^o"',
  'sum(result) / len(result) < 1', 'max(result) - min(result) < 3', 'mean(result) ** 2', 'result[0] ** 1.5', '0.99 ** 3',
  'round(result[0] * 100) / 100', 'string(result)', 'toJSON(result)', 'type(result)', 'result == result', 'result != nil',
];
for (const test of TESTS) for (const shape of SHAPES) add(test, shape);

for (const c of cases) {
  delete c.shape;
  process.stdout.write(`${JSON.stringify(c)}\n`);
}
