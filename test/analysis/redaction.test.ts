/**
 * End to end: a secret arg read through the SecretReader, spliced into a Prometheus query and
 * header, echoed back by Prometheus in an error, must not appear in anything the run reports.
 */
import { resolveAnalysis } from '../../src/analysis/args.js';
import { mergeTemplates } from '../../src/analysis/compose.js';
import { explainRun } from '../../src/analysis/run.js';
import { runAnalysis } from '../../src/analysis/scheduler.js';
import { staticSecrets } from '../../src/analysis/secrets.js';
import type { AnalysisRun } from '../../src/analysis/types.js';
import { PrometheusProvider } from '../../src/providers/prometheus.js';
import { createRedactor } from '../../src/util/redact.js';
import { json, startServer, type TestServer } from '../providers/test-server.js';
import { FakeClock } from '../support/fake-clock.js';
import { arg, metric, prometheus, template } from './fixtures.js';

const SECRET = 'glc_eyJrIjoi-7f3a9c';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

it('keeps a secret arg out of every run update, message and explanation', async () => {
  server.handle((req, res) =>
    json(res, 400, { status: 'error', errorType: 'bad_data', error: `invalid parameter "query": 1:9: parse error near ${req.query.get('query')}` }),
  );
  const t = template({
    args: [arg('token', { kind: 'secretKeyRef', secretName: 'grafana-cloud', key: 'token' })],
    metrics: [
      metric({
        consecutiveErrorLimit: 0,
        successCondition: 'result[0] < 1',
        provider: prometheus({
          address: server.url,
          query: 'up{token="{{args.token}}"',
          headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
        }),
      }),
    ],
  });
  const merged = mergeTemplates([{ templateName: t.name, clusterScope: false }], [t]);
  if (!merged.ok) throw new Error(merged.errors.join());
  const resolution = await resolveAnalysis({
    template: merged.template,
    args: [],
    context: { namespace: 'apps', rollout: null, podTemplateHash: { stable: null, latest: null } },
    secrets: staticSecrets({ 'apps/grafana-cloud': { token: SECRET } }),
  });
  if (!resolution.ok) throw new Error(JSON.stringify(resolution.errors));
  expect(resolution.secrets).toEqual([SECRET]);

  const clock = new FakeClock();
  const updates: AnalysisRun[] = [];
  const run = await runAnalysis({
    metrics: resolution.metrics,
    provider: new PrometheusProvider({ clock, via: 'direct' }),
    clock,
    signal: new AbortController().signal,
    onUpdate: (r) => updates.push(r),
    redactor: createRedactor(resolution.secrets),
  });

  expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
  expect(run.phase).toBe('Error');
  expect(run.message).toContain('parse error near up{token="*****"');
  for (const u of updates) expect(JSON.stringify(u)).not.toContain(SECRET);
  expect(explainRun(run, resolution.metrics)).not.toContain(SECRET);
});
