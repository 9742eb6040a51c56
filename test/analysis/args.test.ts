import fc from 'fast-check';
import { resolveAnalysis, type ArgContext, type CallerArg, type ResolveRequest } from '../../src/analysis/args.js';
import { mergeTemplates, type MergedTemplate } from '../../src/analysis/compose.js';
import { maskedSecrets, SecretKeyMissingError, staticSecrets } from '../../src/analysis/secrets.js';
import { resolveMetricStrings, substituteText } from '../../src/analysis/substitute.js';
import type { AnalysisTemplateSpec, MetricSpec } from '../../src/manifests/types.js';
import { arg, loc, metric, prometheus, template } from './fixtures.js';

const SEED_QUERY =
  'sum by(service) (increase(response_total{deployment="{{args.from}}", dst_service="{{args.service-name}}", direction="outbound", classification="failure", status_code="500"}[30s]))';

const seed = template({
  args: [arg('from'), arg('service-name')],
  metrics: [
    metric({
      intervalMs: 15_000,
      successCondition: 'len(result) == 0 || result[0] == 0',
      failureCondition: 'len(result) > 0 && result[0] > 0',
      provider: prometheus({ address: 'http://prometheus-server.monitoring.svc.cluster.local:80', timeoutMs: 20_000, query: SEED_QUERY }),
    }),
  ],
});

const noContext: ArgContext = { namespace: 'apps', rollout: null, podTemplateHash: { stable: null, latest: null } };
const value = (name: string, v: string): CallerArg => ({ name, source: { kind: 'value', value: v } });

function merged(...templates: AnalysisTemplateSpec[]): MergedTemplate {
  const m = mergeTemplates([{ templateName: templates[0]!.name, clusterScope: false }], templates);
  if (!m.ok) throw new Error(m.errors.join('\n'));
  return m.template;
}

function request(t: MergedTemplate, overrides: Partial<ResolveRequest> = {}): ResolveRequest {
  return { template: t, args: [], context: noContext, secrets: staticSecrets({}), ...overrides };
}

function queryOf(m: MetricSpec): string {
  if (m.provider.kind !== 'prometheus') throw new Error('not prometheus');
  return m.provider.query;
}

describe('resolveAnalysis', () => {
  it('substitutes the seed template args given by the Rollout', async () => {
    const out = await resolveAnalysis(request(merged(seed), { args: [value('service-name', 'myapp-canary'), value('from', 'dependant-api-service')] }));
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    expect(out.metrics).toHaveLength(1);
    expect(queryOf(out.metrics[0]!.spec)).toBe(
      'sum by(service) (increase(response_total{deployment="dependant-api-service", dst_service="myapp-canary", direction="outbound", classification="failure", status_code="500"}[30s]))',
    );
    expect(out.metrics[0]!.spec.successCondition).toBe('len(result) == 0 || result[0] == 0');
    expect(out.metrics[0]).toMatchObject({ dryRun: false, retention: 10 });
    expect(out.secrets).toEqual([]);
    expect(out.warnings).toEqual([]);
  });

  it('names the template and the arg when an arg is never given a value', async () => {
    const out = await resolveAnalysis(request(merged(seed), { args: [value('from', 'x')] }));
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors).toEqual([
      {
        template: 'AnalysisTemplate success-rate-analysis',
        arg: 'service-name',
        message: expect.stringMatching(/^AnalysisTemplate success-rate-analysis: args\.service-name was not resolved: .*--arg service-name=VALUE/),
      },
    ]);
  });

  it('reports an unresolved arg even when no metric uses it, as Argo does', async () => {
    const t = template({ args: [arg('unused')], metrics: [metric()] });
    const out = await resolveAnalysis(request(merged(t)));
    expect(out.ok).toBe(false);
  });

  it('lets the caller override a template value by name, and warns about args no template declares', async () => {
    const t = template({
      args: [arg('window', { kind: 'value', value: '5m' })],
      metrics: [metric({ provider: prometheus({ query: 'rate(x[{{ args.window }}])' }) })],
    });
    const out = await resolveAnalysis(request(merged(t), { args: [value('window', '1m'), value('typo', 'x')] }));
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    expect(queryOf(out.metrics[0]!.spec)).toBe('rate(x[1m])');
    expect(out.warnings).toEqual(['arg "typo" is not declared by AnalysisTemplate success-rate-analysis; it is ignored']);
  });

  it('refuses unknown placeholders, naming the metric', async () => {
    const t = template({ metrics: [metric({ successCondition: 'result[0] > {{args.threshold}}', provider: prometheus({ query: 'x{a="{{ vars.x }}"}' }) })] });
    const out = await resolveAnalysis(request(merged(t)));
    if (out.ok) throw new Error('expected errors');
    expect(out.errors.map((e) => e.message)).toEqual([
      'AnalysisTemplate success-rate-analysis: metric success-rate: failed to resolve {{args.threshold}}',
      'AnalysisTemplate success-rate-analysis: metric success-rate: failed to resolve {{ vars.x }}',
    ]);
  });

  it('keeps the judge\'s own {{scope}} (filled per side when it measures), and only in a judge metric', async () => {
    const judge: MetricSpec['provider'] = {
      kind: 'judge', address: null, baseline: 'deployment="{{args.baseline}}"', canary: 'deployment="c"', lookback: '5m', step: '15s',
      metrics: [{ name: 'latency', query: 'q{ {{scope}} }', direction: 'increase', critical: false, weight: 1, minSamples: 10, tolerance: 0.25, nanStrategy: 'remove', effectSize: { allowedIncrease: 1, allowedDecrease: 1, criticalIncrease: 1, criticalDecrease: 1 } }],
      thresholds: { pass: 80, marginal: 60 }, confidence: 0.98, timeoutMs: 30_000, insecure: false,
    };
    const r = resolveMetricStrings(metric({ provider: judge }), new Map([['baseline', 'b']]));
    if (!r.ok) throw new Error(r.errors.join('; '));
    expect(r.value.provider).toMatchObject({ baseline: 'deployment="b"', metrics: [{ query: 'q{ {{scope}} }' }] });
    expect(resolveMetricStrings(metric({ provider: prometheus({ query: 'q{ {{scope}} }' }) }), new Map())).toEqual({ ok: false, errors: ['failed to resolve {{scope}}'] });
  });

  it('reads secret args from the run namespace and returns their values for redaction', async () => {
    const t = template({
      args: [arg('token', { kind: 'secretKeyRef', secretName: 'prom', key: 'token' })],
      metrics: [metric({ provider: prometheus({ headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }] }) })],
    });
    const secrets = staticSecrets({ 'apps/prom': { token: 's3cr3t' }, 'other/prom': { token: 'wrong' } });
    const out = await resolveAnalysis(request(merged(t), { secrets }));
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    const provider = out.metrics[0]!.spec.provider;
    expect(provider.kind === 'prometheus' && provider.headers).toEqual([{ key: 'Authorization', value: 'Bearer s3cr3t' }]);
    expect(out.secrets).toEqual(['s3cr3t']);
  });

  it.each([
    ['a missing secret', staticSecrets({}), 'AnalysisTemplate success-rate-analysis: args.token: secret "prom" not found'],
    ['a missing key', staticSecrets({ 'apps/prom': { other: 'x' } }), "AnalysisTemplate success-rate-analysis: args.token: key 'token' does not exist in secret 'prom'"],
    [
      'a reader failure',
      { read: () => Promise.reject(new Error('secrets "prom" is forbidden: User "ci" cannot get resource "secrets"')) },
      'AnalysisTemplate success-rate-analysis: args.token: secrets "prom" is forbidden: User "ci" cannot get resource "secrets"',
    ],
  ])('reports %s', async (_what, secrets, message) => {
    const t = template({ args: [arg('token', { kind: 'secretKeyRef', secretName: 'prom', key: 'token' })] });
    const out = await resolveAnalysis(request(merged(t), { secrets }));
    expect(out).toEqual({ ok: false, errors: [{ template: 'AnalysisTemplate success-rate-analysis', arg: 'token', message }] });
  });

  it('reads a secret used by two args once, and never leaves a failed read unhandled', async () => {
    let reads = 0;
    const t = template({
      args: [
        arg('a', { kind: 'secretKeyRef', secretName: 's', key: 'k' }),
        arg('b', { kind: 'secretKeyRef', secretName: 's', key: 'k' }),
        arg('c', { kind: 'secretKeyRef', secretName: 'gone', key: 'k' }),
      ],
    });
    const secrets = {
      read: async (_ns: string, name: string, key: string) => {
        reads++;
        if (name === 'gone') throw new SecretKeyMissingError(name, key);
        await new Promise((r) => setImmediate(r));
        return 'v';
      },
    };
    const out = await resolveAnalysis(request(merged(t), { secrets }));
    expect(reads).toBe(2);
    expect(out.ok).toBe(false);
  });

  it('masks secrets for previews without reading anything', async () => {
    const t = template({
      args: [arg('token', { kind: 'secretKeyRef', secretName: 'prom', key: 'token' })],
      metrics: [metric({ provider: prometheus({ query: 'x{t="{{args.token}}"}' }) })],
    });
    const out = await resolveAnalysis(request(merged(t), { secrets: maskedSecrets }));
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    expect(queryOf(out.metrics[0]!.spec)).toBe('x{t="*****"}');
  });

  it('resolves Rollout-side podTemplateHashValue and fieldRef args from the context', async () => {
    const t = template({
      args: [arg('hash'), arg('stable'), arg('version'), arg('ns')],
      metrics: [metric({ provider: prometheus({ query: '{{args.hash}} {{args.stable}} {{args.version}} {{args.ns}}' }) })],
    });
    const context: ArgContext = {
      namespace: 'apps',
      rollout: { metadata: { name: 'myapp', namespace: 'apps' }, spec: { template: { metadata: { labels: { version: 'v2' } } } } },
      podTemplateHash: { stable: 'abc123', latest: 'def456' },
    };
    const args: CallerArg[] = [
      { name: 'hash', source: { kind: 'podTemplateHash', which: 'Latest' } },
      { name: 'stable', source: { kind: 'podTemplateHash', which: 'Stable' } },
      { name: 'version', source: { kind: 'fieldRef', fieldPath: 'spec.template.metadata.labels.version' } },
      { name: 'ns', source: { kind: 'fieldRef', fieldPath: 'metadata.namespace' } },
    ];
    const out = await resolveAnalysis(request(merged(t), { args, context }));
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    expect(queryOf(out.metrics[0]!.spec)).toBe('def456 abc123 v2 apps');
  });

  it('explains a fieldRef or hash that cannot be read', async () => {
    const t = template({ args: [arg('version'), arg('hash'), arg('own', { kind: 'fieldRef', fieldPath: 'metadata.name' })] });
    const args: CallerArg[] = [
      { name: 'version', source: { kind: 'fieldRef', fieldPath: 'spec.nope' } },
      { name: 'hash', source: { kind: 'podTemplateHash', which: 'Stable' } },
    ];
    const withRollout = await resolveAnalysis(request(merged(t), { args, context: { ...noContext, rollout: { spec: {} } } }));
    if (withRollout.ok) throw new Error('expected errors');
    expect(withRollout.errors.map((e) => e.message)).toEqual([
      "the Rollout's analysis args: args.version (fieldRef spec.nope): invalid path spec.nope in rollout",
      "the Rollout's analysis args: args.hash (podTemplateHashValue: Stable): there is no stable pod template yet",
    ]);
    const standalone = await resolveAnalysis(request(merged(t), { args: [value('version', '1'), value('hash', 'h')] }));
    if (standalone.ok) throw new Error('expected errors');
    expect(standalone.errors.map((e) => e.message)).toEqual([
      'AnalysisTemplate success-rate-analysis: args.own (fieldRef metadata.name) reads a Rollout field, and there is no Rollout here: pass --arg own=VALUE',
    ]);
  });

  it('applies dryRun and measurementRetention rules as unanchored regular expressions', async () => {
    const t = template({
      metrics: [metric({ name: 'success-rate' }), metric({ name: 'latency-p99' }), metric({ name: 'errors' })],
      dryRun: [{ loc, metricName: 'latency' }],
      measurementRetention: [{ loc, metricName: '.*', limit: 3 }],
    });
    const out = await resolveAnalysis(request(merged(t), { dryRun: [{ loc, metricName: '^err' }], measurementRetention: [] }));
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    expect(out.metrics.map((m) => [m.spec.name, m.dryRun, m.retention])).toEqual([
      ['success-rate', false, 3],
      ['latency-p99', true, 3],
      ['errors', true, 3],
    ]);
  });

  it('refuses a rule that matches no metric, or two rules for the same name', async () => {
    const t = template({ dryRun: [{ loc, metricName: 'nothing-like-this' }] });
    const out = await resolveAnalysis(request(merged(t), { dryRun: [{ loc, metricName: 'nothing-like-this' }] }));
    if (out.ok) throw new Error('expected errors');
    expect(out.errors.map((e) => e.message)).toEqual([
      "AnalysisTemplate success-rate-analysis: two Dry-Run metric rules have the same name 'nothing-like-this'",
      "AnalysisTemplate success-rate-analysis: dryRun[0]: Rule didn't match any metric name(s)",
      "AnalysisTemplate success-rate-analysis: dryRun[1]: Rule didn't match any metric name(s)",
    ]);
  });
});

describe('substitution escaping', () => {
  it('splices values with quotes and backslashes in raw, so a JSON body still serializes correctly', () => {
    const m = metric({
      provider: {
        kind: 'web',
        url: 'http://127.0.0.1/{{args.path}}',
        method: 'POST',
        headers: [{ key: 'X-{{args.h}}', value: '{{args.v}}' }],
        body: null,
        jsonBody: { query: 'sum(x{job="{{args.v}}"})', nested: ['{{args.v}}'] },
        timeoutMs: 10_000,
        jsonPath: null,
        insecure: false,
        oauth2: null,
      },
    });
    const v = 'a"b\\c\nd';
    const out = resolveMetricStrings(m, new Map([['path', 'p'], ['h', 'Tenant'], ['v', v]]));
    if (!out.ok) throw new Error(out.errors.join());
    const web = out.value.provider;
    if (web.kind !== 'web') throw new Error('not web');
    expect(web.url).toBe('http://127.0.0.1/p');
    expect(web.headers).toEqual([{ key: 'X-Tenant', value: v }]);
    const body = JSON.parse(JSON.stringify(web.jsonBody)) as { query: string; nested: string[] };
    expect(body).toEqual({ query: `sum(x{job="${v}"})`, nested: [v] });
    expect(out.value.loc).toBe(m.loc);
    expect(out.value.source).toBe(m.source);
  });

  it('means what Argo does: marshal, splice the JSON-escaped value, unmarshal', () => {
    // Argo escapes with strconv.Quote inside the marshalled metric; for any string that JSON can
    // carry this is the JSON escape, so the round trip below is the reference semantics.
    const argoStyle = (m: MetricSpec, args: Map<string, string>) => {
      const { loc: _l, source: _s, ...rest } = m;
      const text = JSON.stringify(rest).replace(/\{\{([^}]*)\}\}/g, (_all, tag: string) =>
        JSON.stringify(args.get(tag.trim().slice('args.'.length))!).slice(1, -1),
      );
      return JSON.parse(text) as unknown;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string(), (a, b) => {
        const args = new Map([['a', a], ['b', b]]);
        const m = metric({
          successCondition: 'result == "{{args.a}}"',
          provider: prometheus({ query: 'x{l="{{ args.a }}", m="{{args.b}}"}', headers: [{ key: 'k', value: '{{args.b}}{{args.a}}' }] }),
        });
        const ours = resolveMetricStrings(m, args);
        if (!ours.ok) return false;
        const { loc: _l, source: _s, ...rest } = ours.value;
        expect(rest).toEqual(argoStyle(m, args));
        return true;
      }),
    );
  });

  it('does not substitute inside a substituted value', () => {
    expect(substituteText('{{args.a}}', new Map([['a', '{{args.b}}'], ['b', 'x']]))).toEqual({ ok: true, value: '{{args.b}}' });
  });

  it('reports an unterminated placeholder', () => {
    expect(substituteText('x {{args.a', new Map([['a', '1']]))).toEqual({
      ok: false,
      errors: ['cannot find the closing "}}" of the "{{" at offset 2'],
    });
  });
});

describe('metric rules', () => {
  it('reads metricName as Go RE2 and reports an invalid one', async () => {
    const t = template({ metrics: [metric({ name: 'a' })], dryRun: [{ loc, metricName: '(a' }] });
    const out = await resolveAnalysis(request(merged(t)));
    if (out.ok) throw new Error('expected errors');
    expect(out.errors[0]!.message).toMatch(/^AnalysisTemplate success-rate-analysis: dryRun\[0\]: metricName "\(a" is not a valid regular expression: .*missing closing \)/);
  });
});

describe('resolveAnalysis: {{args.x}} in a metric\'s numbers', () => {
  const counted = template({
    args: [arg('every'), arg('count'), arg('limit')],
    metrics: [
      metric({
        provider: prometheus({ query: 'up' }),
        templated: [
          { field: 'interval', text: '{{args.every}}' },
          { field: 'count', text: '{{ args.count }}' },
          { field: 'failureLimit', text: '{{args.limit}}' },
          { field: 'initialDelay', text: '{{args.every}}' },
        ],
      }),
    ],
  });
  const resolve = (every: string, count: string, limit: string) =>
    resolveAnalysis(request(merged(counted), { args: [value('every', every), value('count', count), value('limit', limit)] }));

  it('parses them as if written: durations, IntOrString numbers, count 0 as unset', async () => {
    const out = await resolve('1m30s', '5', '2');
    if (!out.ok) throw new Error(JSON.stringify(out.errors));
    expect(out.metrics[0]!.spec).toMatchObject({ intervalMs: 90_000, initialDelayMs: 90_000, count: 5, failureLimit: 2, templated: [] });
    const zero = await resolve('30', '0', '0');
    if (!zero.ok) throw new Error(JSON.stringify(zero.errors));
    expect(zero.metrics[0]!.spec).toMatchObject({ intervalMs: 30_000, count: null, failureLimit: 0 });
  });

  it('names the field and the placeholder when a value does not parse, without quoting the value (it may be a secret)', async () => {
    const out = await resolve('soon', 'many', '-2');
    expect(out.ok).toBe(false);
    if (out.ok) return;
    const messages = out.errors.map((e) => e.message);
    expect(messages).toEqual([
      expect.stringMatching(/^AnalysisTemplate success-rate-analysis: metric success-rate: interval: \{\{args.every\}\} did not resolve to a valid value: expected a duration/),
      expect.stringMatching(/^AnalysisTemplate success-rate-analysis: metric success-rate: count: \{\{ args.count \}\} did not resolve to a valid value: expected a whole number$/),
      'AnalysisTemplate success-rate-analysis: metric success-rate: failureLimit: {{args.limit}} did not resolve to a valid value: must be at least -1',
      expect.stringMatching(/^AnalysisTemplate success-rate-analysis: metric success-rate: initialDelay: \{\{args.every\}\} did not/),
    ]);
    for (const m of messages) expect(m).not.toMatch(/soon|many|-2/);
  });

  it('holds the resolved numbers to the limits lint applies to written ones', async () => {
    const out = await resolve('10s', '2', '3');
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.errors.map((e) => e.message)).toEqual([
      'AnalysisTemplate success-rate-analysis: metric success-rate: count: count (2) must be >= failureLimit (3) + consecutiveSuccessLimit (0), or the metric could never reach its verdict',
    ]);
  });
});
