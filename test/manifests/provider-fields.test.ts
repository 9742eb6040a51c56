/**
 * Lint of the providers' own fields (src/manifests/metric-*.ts): each provider's section as Argo
 * defines it, with the checks Argo makes when it builds the provider reported at their field instead
 * of at run time: datadog.go validateIncomingProps (datadog_test.go TestValidateIncomingProps, and
 * TestDatadogSpecDefaults' enums), graphite's address (api_test.go TestNewAPIWithInvalidURL),
 * newrelic's negative timeout (newrelic_test.go TestNewRelicClient_Query).
 */
import { errors, specFrom } from '../support/spec.js';

const template = (provider: string, extra = '') => `
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: t, namespace: apps}
spec:
  args: [{name: x}]
  metrics:
    - name: m${extra}
      provider:
${provider
  .trim()
  .split('\n')
  .map((l) => `        ${l}`)
  .join('\n')}
`;

const lint = (provider: string, extra = '') => errors(specFrom(template(provider, extra)).issues).filter((e) => !/needs arg/.test(e));

describe('provider fields', () => {
  it.each([
    ['datadog v1', 'datadog: {query: "avg:cpu{*}", interval: 5m}'],
    ['datadog v2 with queries and a formula', 'datadog: {apiVersion: v2, queries: {a: "sum:x{*}", b: "sum:y{*}"}, formula: a/b, aggregator: avg, requestTimeout: 30s}'],
    ['datadog with a namespaced secret', 'datadog: {query: "avg:cpu{*}", secretRef: {name: dd, namespaced: true}}'],
    ['datadog with args', 'datadog: {query: "avg:cpu{service:{{args.x}}}", interval: "{{args.x}}"}'],
    ['newRelic', 'newRelic: {profile: nr, query: "FROM Transaction SELECT count(*)", timeout: 30}'],
    ['cloudWatch', 'cloudWatch: {interval: 10m, metricDataQueries: [{id: a, expression: "b / c"}, {id: b, metricStat: {metric: {namespace: N, metricName: M, dimensions: [{name: d, value: v}]}, period: 60, stat: Sum, unit: Count}, returnData: false}]}'],
    ['graphite', 'graphite: {address: "http://graphite:8080", query: "target=a.b&from=-5min"}'],
    ['influxdb', 'influxdb: {profile: influx, query: "from(bucket: \\"b\\")"}'],
    ['the judge plugin', 'plugin: {"canary/judge": {address: "http://p:9090", baseline: "d=\\"{{args.x}}\\"", canary: "d=\\"c\\"", lookback: 10m, step: 30s, thresholds: {pass: 90, marginal: 70}, metrics: [{name: latency, query: "q{ {{scope}} }", direction: increase, critical: true, weight: 2, minSamples: 20, tolerance: 0.1, effectSize: {allowedIncrease: 1.1, criticalIncrease: 1.5}}]}}'],
    ['web with authentication.oauth2', 'web: {url: "http://w/x", authentication: {oauth2: {tokenUrl: "https://id/token", clientId: c, clientSecret: "{{args.x}}", scopes: [m]}}}'],
    ['prometheus sigv4', 'prometheus: {address: "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1", query: up, authentication: {sigv4: {region: us-east-1, profile: p, roleArn: "arn:aws:iam::1:role/r"}}}'],
  ])('%s lints clean', (_name, provider) => {
    expect(lint(provider)).toEqual([]);
  });

  it.each([
    ['datadog needs a query', 'datadog: {interval: 5m}', 'spec.metrics[0].provider.datadog: set query, or queries with a formula (apiVersion v2)'],
    ['datadog query and queries exclude each other', 'datadog: {apiVersion: v2, query: q, queries: {a: q}}', 'spec.metrics[0].provider.datadog.queries: set query or queries, not both'],
    ['datadog v1 takes a single query', 'datadog: {queries: {a: q}}', 'spec.metrics[0].provider.datadog.queries: queries need apiVersion: v2 (v1 only takes a single query)'],
    ['datadog formula needs queries', 'datadog: {apiVersion: v2, query: q, formula: a}', 'spec.metrics[0].provider.datadog.formula: a formula combines named queries: set queries'],
    ['datadog several queries need a formula', 'datadog: {apiVersion: v2, queries: {a: q, b: r}}', 'spec.metrics[0].provider.datadog.queries: several queries need a formula that combines them (Datadog would return one column per query, in no set order)'],
    ['datadog aggregator is v2', 'datadog: {query: q, aggregator: avg}', 'spec.metrics[0].provider.datadog.aggregator: aggregator is a v2 setting: set apiVersion: v2 or remove it'],
    ['datadog aggregator values', 'datadog: {apiVersion: v2, query: q, aggregator: median}', 'spec.metrics[0].provider.datadog.aggregator: "median" is not an aggregator: use one of avg, min, max, sum, last, percentile, mean, l2norm, area'],
    ['datadog api versions', 'datadog: {apiVersion: v3, query: q}', 'spec.metrics[0].provider.datadog.apiVersion: "v3" is not a Datadog API version: use v1 or v2'],
    ['datadog interval is a Go duration', 'datadog: {query: q, interval: 300}', 'spec.metrics[0].provider.datadog.interval: expected a string, got the number 300'],
    ['datadog interval parses', 'datadog: {query: q, interval: 5 minutes}', 'spec.metrics[0].provider.datadog.interval: expected a duration such as "5m" or "30s" (Go\'s time.ParseDuration): time: unknown unit " minutes" in duration "5 minutes"'],
    ['datadog requestTimeout is positive', 'datadog: {query: q, requestTimeout: 0s}', 'spec.metrics[0].provider.datadog.requestTimeout: must be a positive duration, e.g. "30s"'],
    ['datadog namespaced secret needs a name', 'datadog: {query: q, secretRef: {namespaced: true}}', 'spec.metrics[0].provider.datadog.secretRef: secretRef.namespaced needs secretRef.name'],
    ['newRelic needs a query', 'newRelic: {profile: nr}', 'spec.metrics[0].provider.newRelic.query: required field is missing'],
    ['newRelic timeout is not negative', 'newRelic: {query: q, timeout: -1}', 'spec.metrics[0].provider.newRelic.timeout: must be at least 0, got -1'],
    ['cloudWatch needs queries', 'cloudWatch: {interval: 5m}', 'spec.metrics[0].provider.cloudWatch.metricDataQueries: required field is missing'],
    ['cloudWatch query needs an id', 'cloudWatch: {metricDataQueries: [{expression: e}]}', 'spec.metrics[0].provider.cloudWatch.metricDataQueries[0].id: required field is missing'],
    ['cloudWatch query needs expression or metricStat', 'cloudWatch: {metricDataQueries: [{id: a}]}', 'spec.metrics[0].provider.cloudWatch.metricDataQueries[0]: set expression or metricStat'],
    ['cloudWatch ids are unique', 'cloudWatch: {metricDataQueries: [{id: a, expression: e}, {id: a, expression: f}]}', 'spec.metrics[0].provider.cloudWatch.metricDataQueries[1].id: duplicate id "a": GetMetricData needs unique ids'],
    ['cloudWatch metricStat needs a period', 'cloudWatch: {metricDataQueries: [{id: a, metricStat: {metric: {metricName: M}, stat: Sum}}]}', 'spec.metrics[0].provider.cloudWatch.metricDataQueries[0].metricStat.period: required field is missing: the granularity in seconds, e.g. 60'],
    ['graphite needs an address', 'graphite: {query: q}', 'spec.metrics[0].provider.graphite.address: required field is missing'],
    ['graphite address is a URL', 'graphite: {address: "graphite:8080", query: q}', 'spec.metrics[0].provider.graphite.address: "graphite:8080" is not an http(s) URL: write it with a scheme and host, e.g. http://graphite.monitoring.svc:8080'],
    ['influxdb needs a query', 'influxdb: {profile: p}', 'spec.metrics[0].provider.influxdb.query: required field is missing'],
    ['other metric plugins are refused by name', 'plugin: {"argoproj-labs/sample-prometheus": {address: x}}', 'spec.metrics[0].provider.plugin["argoproj-labs/sample-prometheus"]: not supported by canary: metric plugin "argoproj-labs/sample-prometheus" is not supported: canary\'s built-in plugin is canary/judge (docs/judge.md)'],
    ['the judge needs {{scope}} in each query', 'plugin: {"canary/judge": {baseline: a, canary: b, metrics: [{name: m, query: "up"}]}}', 'spec.metrics[0].provider.plugin["canary/judge"].metrics[0].query: the query must say where each side\'s selector goes: write {{scope}} in it, e.g. sum(rate(response_total{ {{scope}}, classification="failure" }[1m]))'],
    ['the judge\'s sides', 'plugin: {"canary/judge": {canary: b, metrics: [{name: m, query: "q{ {{scope}} }"}]}}', 'spec.metrics[0].provider.plugin["canary/judge"].baseline: required field is missing'],
    ['the judge\'s thresholds', 'plugin: {"canary/judge": {baseline: a, canary: b, thresholds: {pass: 50, marginal: 70}, metrics: [{name: m, query: "q{ {{scope}} }"}]}}', 'spec.metrics[0].provider.plugin["canary/judge"].thresholds.marginal: must not be above pass (50)'],
    ['the judge\'s directions', 'plugin: {"canary/judge": {baseline: a, canary: b, metrics: [{name: m, query: "q{ {{scope}} }", direction: up}]}}', 'spec.metrics[0].provider.plugin["canary/judge"].metrics[0].direction: "up" is not a direction: use increase (higher is worse), decrease (lower is worse) or either'],
    ['web oauth2 needs its client', 'web: {url: "http://w/x", authentication: {oauth2: {tokenUrl: "https://id/token", clientId: c}}}', 'spec.metrics[0].provider.web.authentication.oauth2.clientSecret: required field is missing'],
    ['web does not sign', 'web: {url: "http://w/x", authentication: {sigv4: {region: r}}}', 'spec.metrics[0].provider.web.authentication.sigv4: not supported by canary: the web provider does not sign requests (Argo\'s neither): use a prometheus metric with authentication.sigv4'],
    ['sigv4 fields', 'prometheus: {address: "http://p:9090", query: up, authentication: {sigv4: {region: r, role: x}}}', 'spec.metrics[0].provider.prometheus.authentication.sigv4.role: unknown field "role"'],
  ])('%s', (_name, provider, expected) => {
    expect(lint(provider)).toEqual([expected]);
  });

  it('conditions compile against each provider\'s result shape', () => {
    expect(lint('graphite: {address: "http://g:80", query: q}', '\n      successCondition: result.count > 1')).toEqual([expect.stringMatching(/^spec\.metrics\[0\]\.successCondition: array elements can only be selected using an integer \(got string\)/)]);
    expect(lint('newRelic: {query: q}', '\n      successCondition: result.count > 1')).toEqual([]);
    expect(lint('cloudWatch: {metricDataQueries: [{id: a, expression: e}]}', '\n      successCondition: "all(result[0].Values, # < 1)"')).toEqual([]);
    expect(lint('datadog: {query: q}', '\n      successCondition: default(result, 0) < 0.05')).toEqual([]);
  });
});
