/**
 * Issue 13 items 4-7 through the CLI (`canary lint`, `canary analyze`), against loopback servers
 * posing as Prometheus and as a web metric endpoint: compile-time type errors as Argo raises them
 * (and lint reports them at the condition's line), findIndex's nil, Go's math.Pow, and the rest of
 * expr v1.17.8's language in real conditions.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startServer, type TestServer } from '../providers/test-server.js';
import { runCli } from '../support/cli.js';

let dir: string;
let server: TestServer;

const WEB = {
  status: 'ok',
  data: { rate: 0.99, latency: [0.12, 0.31, 0.2], at: '2024-03-10T12:00:00Z', flags: 12, pods: [{ name: 'a', ok: true }, { name: 'b', ok: false }] },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canary-expr-'));
  server = await startServer();
  // Prometheus: `vector(a, b, ...)` answers a vector of those samples, `scalar(x)` a scalar,
  // a range query every sample of `vector(...)`. The web endpoint answers WEB.
  server.handle((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.path === '/web') {
      res.end(JSON.stringify(WEB));
      return;
    }
    const query = req.query.get('query') ?? '';
    const numbers = (/\(([^)]*)\)/.exec(query)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    let data: unknown;
    if (query.startsWith('scalar(')) data = { resultType: 'scalar', result: [1767268800, numbers[0]] };
    else if (req.path.endsWith('/query_range')) data = { resultType: 'matrix', result: [{ metric: {}, values: numbers.map((n, i) => [1767268800 + i, n]) }] };
    else data = { resultType: 'vector', result: numbers.map((n) => ({ metric: {}, value: [1767268800, n] })) };
    res.end(JSON.stringify({ status: 'success', data }));
  });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ PATH: process.env.PATH, HOME: dir });

interface Metric {
  name: string;
  query?: string;
  web?: boolean;
  successCondition?: string;
  failureCondition?: string;
}

async function template(name: string, metrics: Metric[]): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  const doc = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: {
      metrics: metrics.map(({ query, web, ...m }) => ({
        count: 1,
        consecutiveErrorLimit: 0,
        ...m,
        provider: web ? { web: { url: `${server.url}/web` } } : { prometheus: { address: server.url, query } },
      })),
    },
  };
  await writeFile(file, stringify(doc));
  return file;
}

/** The 1-based line of the first line of `file`'s text containing `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('compile-time type errors, as Argo compiles conditions against the result (item 4)', () => {
  it.each([
    ['result == 0', 'vector(0)', 'invalid operation: == (mismatched types []float64 and int)'],
    ['result == "0.5"', 'vector(0.5)', 'invalid operation: == (mismatched types []float64 and string)'],
    ['result[0] == "0.5"', 'vector(0.5)', 'invalid operation: == (mismatched types float64 and string)'],
    ['get(1, 2) == nil', 'vector(0)', 'type int does not support indexing'],
    ['42 in ["a", "b"]', 'vector(0)', 'cannot use int as type string in array'],
    ['result[1.5] > 0', 'vector(0, 1)', 'array elements can only be selected using an integer (got float64)'],
    ['len(result)', 'vector(0)', 'expected bool, but got int'],
  ])('`%s` on %s: lint exits 2 at the condition, and analyze refuses the template', async (condition, query, message) => {
    const file = await template('typed', [{ name: 'typed', query, successCondition: condition }]);
    const lint = await runCli(['lint', file], { env: env() });
    expect(lint.code).toBe(2);
    const { readFile } = await import('node:fs/promises');
    const line = lineOf(await readFile(file, 'utf8'), 'successCondition');
    expect(lint.stdout).toMatch(new RegExp(`typed\\.yaml:${line}:\\d+: spec\\.metrics\\[0\\]\\.successCondition: ${escape(message)}`));

    const analyze = await runCli(['analyze', file], { env: env() });
    expect(analyze.code).toBe(2);
    expect(analyze.stdout + analyze.stderr).toContain(message);
  });

  it('a web result of a type the condition cannot take is a measurement Error, as in Argo', async () => {
    // Lint accepts `result > 0.5`: the endpoint could answer a number. It answers an object.
    const file = await template('web-typed', [{ name: 'web-typed', web: true, successCondition: 'result > 0.5' }]);
    expect((await runCli(['lint', file], { env: env() })).code).toBe(0);
    const r = await runCli(['analyze', file], { env: env() });
    expect(r.stdout).toMatch(/web-typed Error/);
    expect(r.stdout + r.stderr).toContain('invalid operation: > (mismatched types map[string]interface {} and float64)');
    expect(r.code).not.toBe(0);
  });

  it('the same comparison is fine for a scalar query, as in Argo', async () => {
    const file = await template('scalar', [{ name: 'scalar', query: 'scalar(0)', successCondition: 'result == 0' }]);
    expect((await runCli(['lint', file], { env: env() })).code).toBe(0);
    const r = await runCli(['analyze', file], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/scalar Successful 0/);
  });
});

describe('expr v1.17.8 values (items 5 and 6)', () => {
  it('findIndex and findLastIndex with no match are nil, not -1', async () => {
    const file = await template('find', [
      { name: 'nil', query: 'vector(1, 2)', successCondition: 'findIndex(result, # > 5) == nil && findLastIndex(result, # > 5) == nil' },
      { name: 'minus-one', query: 'vector(1, 2)', successCondition: 'findIndex(result, # > 5) == -1' },
    ]);
    const r = await runCli(['analyze', file], { env: env() });
    expect(r.stdout).toMatch(/nil Successful/);
    expect(r.stdout).toMatch(/minus-one Failed/);
  });

  it('** and ^ are Go math.Pow to the last digit', async () => {
    const file = await template('pow', [
      { name: 'half', query: 'vector(0.5)', successCondition: 'result[0] ** 1.5 == 0.3535533905932738' },
      { name: 'cube', query: 'vector(0.99)', successCondition: 'result[0] ^ 3 == 0.9702989999999999 && string(result[0] ** 3) == "0.9702989999999999"' },
    ]);
    const r = await runCli(['analyze', file], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/half Successful/);
    expect(r.stdout).toMatch(/cube Successful/);
  });
});

describe('the rest of expr v1.17.8 (item 7): every construct in a real condition', () => {
  const metrics: Metric[] = [
    { name: 'let', query: 'vector(0.2, 0.4)', successCondition: 'let worst = max(result); let limit = 0.5; worst < limit' },
    { name: 'if-else', query: 'vector(3)', successCondition: 'if len(result) == 0 { true } else if result[0] > 2 { true } else { false }' },
    { name: 'sequence', query: 'vector(1)', successCondition: 'len(result); result[0] == 1' },
    { name: 'reduce', query: 'vector(1, 2, 3)', successCondition: 'reduce(result, #acc + #, 0) == 6 && reduce(result, #acc * #) == 6' },
    { name: 'sort', query: 'vector(3, 1, 2)', successCondition: 'sort(result) == [1, 2, 3] && sort(result, "desc")[0] == 3' },
    { name: 'sortBy-groupBy', query: 'vector(0.3, 0.1, 0.2)', successCondition: 'sortBy(result, -#)[0] == 0.3 && len(groupBy(result, # > 0.15)[true]) == 2' },
    { name: 'uniq-flatten', query: 'vector(1, 1, 2)', successCondition: 'uniq(result) == [1, 2] && flatten([result, [3]]) == [1, 1, 2, 3]' },
    { name: 'json', web: true, successCondition: 'fromJSON(toJSON(result)).data.rate == result.data.rate && toJSON(result.status) == "\\"ok\\""' },
    { name: 'base64', web: true, successCondition: 'fromBase64(toBase64(result.status)) == "ok" && toBase64("ok") == "b2s="' },
    { name: 'pairs', web: true, successCondition: 'fromPairs(toPairs({a: result.data.rate}))["a"] == 0.99' },
    { name: 'strings', web: true, successCondition: 'splitAfter("a,b", ",") == ["a,", "b"] && repeat(result.status, 2) == "okok"' },
    { name: 'date', web: true, successCondition: 'date(result.data.at).Hour() == 12 && date(result.data.at) < date("2025-01-01") && duration("90m").Hours() == 1.5' },
    { name: 'bits', web: true, successCondition: 'bitand(int(result.data.flags), 4) == 4 && bitshl(1, 3) == 8 && bitnot(0) == -1 && bitushr(-16, 60) == 15' },
    { name: 'bytes', query: 'vector(0)', successCondition: 'len(b"ok") == 2 && string(b"ok") == "[111 107]"' },
    { name: 'optional-method', web: true, successCondition: 'result.data?.missing?.Format("2006") == nil' },
    { name: 'duplicate-keys', query: 'vector(0)', successCondition: '{a: 1, a: 2}.a == 1' },
    { name: 'predicates', web: true, successCondition: 'one(result.data.pods, .ok) && findIndex(result.data.pods, !.ok) == 1' },
  ];

  it('lint accepts them, and analyze finds every one Successful (exit 0)', async () => {
    const file = await template('language', metrics);
    const lint = await runCli(['lint', file], { env: env() });
    expect(lint.stdout).toContain('0 errors');
    expect(lint.code).toBe(0);
    const r = await runCli(['analyze', file], { env: env() });
    for (const m of metrics) expect(r.stdout).toMatch(new RegExp(`^\\S+Z ${m.name} Successful`, 'm'));
    expect(r.code).toBe(0);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
