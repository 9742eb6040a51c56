/**
 * Hostile input for `canary lint` and `canary analyze`: the seed's manifests mutated at random paths
 * (deleted, retyped, renamed, replaced by odd values), YAML-ish text and bytes, conditions built from
 * the expression grammar, and answers a Prometheus should never give. fast-check arbitraries, so a
 * failure shrinks to a small case and replays from its seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const SEED = join(process.cwd(), 'examples', 'seed');
export const SEED_DOCS: Json[] = ['rollout.yaml', 'analysis-template.yaml', 'services.yaml'].flatMap((f) =>
  parseAllDocuments(readFileSync(join(SEED, f), 'utf8')).map((d) => d.toJS() as Json),
);

/** Values a person or a template engine gets wrong. */
export const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null, true, false, 0, -1, 1.5, 1e308, -0, 101, 2147483648, '', ' ', '30s', '1h30m', '-5s', '1e309', 'NaN', 'Infinity', '100%', '{{args.frm}}', '{{ args.from }}', '{{args.}}', '{{', '}}',
    '${HOME}', '\u0000', '\ufeff', 'x'.repeat(5000), '../../etc/passwd', 'http://', 'ftp://x', '[]', '{}', 'len(result) >', 'result[0] > 0 &&', '!!binary', '~',
    [], {}, [null], [{}], { setWeight: 10, pause: {} }, { '': 1 }, JSON.parse('{"__proto__": {"polluted": 1}}') as Json, { constructor: 'x' }, { toString: 1 },
  ),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.string({ unit: 'binary', maxLength: 40 }),
);

type Op = 'delete' | 'set' | 'rename' | 'add' | 'wrap' | 'dup';
export interface Mutation {
  at: number;
  op: Op;
  value: Json;
  key: string;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom<Op>('delete', 'set', 'set', 'rename', 'add', 'wrap', 'dup'),
  value: oddValue,
  key: fc.oneof(fc.constantFrom('setweight', 'Steps', 'canaryservice', 'apiversion', 'metadata', 'spec', 'successCondition', 'templateName', 'args', 'unknownField', 'status', ''), fc.string({ maxLength: 12 })),
});

/** Every container (object or array) with its path, in a stable order. */
function containers(root: Json): { node: Json[] | { [k: string]: Json } }[] {
  const out: { node: Json[] | { [k: string]: Json } }[] = [];
  const walk = (n: Json) => {
    if (n === null || typeof n !== 'object') return;
    out.push({ node: n });
    for (const v of Array.isArray(n) ? n : Object.values(n)) walk(v);
  };
  walk(root);
  return out;
}

/** Applies a mutation at the `at`-th container (mod their count), in place. */
export function mutate(docs: Json[], m: Mutation): void {
  const all = containers(docs);
  const { node } = all[m.at % all.length]!;
  if (Array.isArray(node)) {
    const i = node.length ? m.at % node.length : 0;
    switch (m.op) {
      case 'delete':
        node.splice(i, 1);
        break;
      case 'dup':
        if (node.length) node.splice(i, 0, structuredClone(node[i]!));
        break;
      case 'wrap':
        if (node.length) node[i] = [node[i]!];
        break;
      default:
        if (node === docs && !(m.value !== null && typeof m.value === 'object' && !Array.isArray(m.value))) node.push(m.value);
        else node[i] = m.value;
    }
    return;
  }
  const keys = Object.keys(node);
  const k = keys.length ? keys[m.at % keys.length]! : m.key;
  switch (m.op) {
    case 'delete':
      delete node[k];
      break;
    case 'rename':
      if (k in node) {
        const v = node[k]!;
        delete node[k];
        node[m.key] = v;
      }
      break;
    case 'add':
      Object.defineProperty(node, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      break;
    case 'wrap':
      if (k in node) node[k] = [node[k]!];
      break;
    case 'dup':
      if (k in node) node[`${k}${m.key}`] = structuredClone(node[k]!);
      break;
    case 'set':
      node[k] = m.value;
      break;
  }
}

/** The seed's documents with 1-4 mutations, written as YAML or JSON, in one file or three. */
export const mutatedSeed = fc.record({
  mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }),
  format: fc.constantFrom('yaml', 'yaml', 'json'),
  split: fc.boolean(),
});

export function renderMutated(c: { mutations: Mutation[]; format: string; split: boolean }): Record<string, string> {
  const docs = structuredClone(SEED_DOCS);
  for (const m of c.mutations) mutate(docs, m);
  const text = (d: Json) => (c.format === 'json' ? JSON.stringify(d, null, 2) : stringify(d, { lineWidth: 0 }));
  if (!c.split) return { 'all.yaml': docs.map(text).join('\n---\n') };
  return Object.fromEntries(docs.map((d, i) => [`doc-${i}.${c.format === 'json' ? 'json' : 'yaml'}`, text(d)]));
}

/** YAML-ish text: the tokens YAML gives meaning to, Argo words, and arbitrary characters. */
export const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ':', ': ', '- ', '  ', '\n', '\n  ', '\t', '[', ']', '{', '}', ',', '&a ', '*a', '*b', '!!str ', '!!binary ', '!custom ', '---\n', '...\n', '? ', '| \n', '> \n', '"', "'", '#', '%YAML 1.2\n', '<<: *a',
        'kind: Rollout\n', 'kind: AnalysisTemplate\n', 'apiVersion: argoproj.io/v1alpha1\n', 'metadata:\n  name: x\n', 'spec:\n', '  steps:\n  - setWeight: 10\n', '  metrics:\n  - name: m\n', 'successCondition: ', 'result[0] > 0', '{{args.x}}', '1e999', '\ufeff', '\u0000', '\u2028', '😀',
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

/** Conditions from the expression grammar: well-formed, almost well-formed, and nonsense. */
const word = fc.constantFrom('result', 'result[0]', 'result[-1]', 'len(result)', '#', '.a', 'nil', 'true', '"s"', '1', '2.5', '1e309', '0x1F', '[1, 2]', '{a: 1}', 'args.x', 'asInt(result[0])', 'isNaN(result[0])', 'default(result, 0)', 'result.constructor', '__proto__');
const binary = fc.constantFrom('+', '-', '*', '/', '%', '**', '==', '!=', '<', '>=', '&&', '||', 'and', 'or', 'in', 'not in', 'matches', '..', '??');
export const condition: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    word,
    fc.tuple(tie('e'), binary, tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(fc.constantFrom('all', 'any', 'none', 'one', 'filter', 'map', 'len', 'abs', 'max', 'upper', 'nope'), tie('e'), tie('e')).map(([f, a, b]) => `${f}(${a}, {${b}})`),
    tie('e').map((a) => `(${a}`),
    tie('e').map((a) => `not ${a}`),
    tie('e').map((a) => `${a} ? 1 : 0`),
  ),
})).e;

/** Prometheus answers: right shapes with odd values, wrong shapes, errors, non-JSON. */
export const promAnswer = fc.oneof(
  fc.record({
    status: fc.constantFrom(200),
    body: fc
      .array(fc.tuple(fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }), fc.oneof(fc.constantFrom('NaN', '+Inf', '-Inf', '1e308', '-0', '0', '1', 'x', ''), fc.double().map(String))), { maxLength: 4 })
      .map((items) => JSON.stringify({ status: 'success', data: { resultType: 'vector', result: items.map(([metric, v]) => ({ metric, value: [1700000000.1, v] })) } })),
    type: fc.constant('application/json'),
  }),
  fc.record({ status: fc.constantFrom(200, 400, 422, 500, 503, 302, 204), body: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), type: fc.constantFrom('application/json', 'text/plain') }),
  fc.record({
    status: fc.constant(200),
    body: fc.constantFrom(
      '{"status":"success","data":{"resultType":"scalar","result":[1,"5"]}}',
      '{"status":"success","data":{"resultType":"string","result":[1,"x"]}}',
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,"NaN"]]}]}}',
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1]}]}}',
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":null}]}}',
      '{"status":"success","data":{"resultType":"bogus","result":{}}}',
      '{"status":"success"}',
      '{"status":"error","errorType":"bad_data","error":"parse error"}',
      '{"status":"success","data":{"resultType":"vector","result":[]},"warnings":["w1","w2"]}',
      '[]',
      'null',
      '<html>502</html>',
      '',
    ),
    type: fc.constantFrom('application/json', 'text/html'),
  }),
  fc.record({ status: fc.constant(200), body: fc.string({ unit: 'binary', maxLength: 200 }), type: fc.constant('application/json') }),
);
