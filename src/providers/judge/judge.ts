/**
 * The built-in canary-versus-baseline judge, a metric plugin (`provider.plugin["canary/judge"]`):
 * each of its metrics is one PromQL query run twice over the lookback window, with `{{scope}}`
 * replaced by the baseline's selector and by the canary's; the two series are compared with the
 * Mann-Whitney test (classify.ts) and the metrics scored (score.ts) as Kayenta's NetflixACAJudge
 * does. The measurement is Successful at or above the pass score, Inconclusive at or above the
 * marginal one, Failed below; its value is the score and every metric's classification, and a
 * failure's message names the metrics that moved and by how much. docs/judge.md explains it.
 */
import type { JudgeSpec, PrometheusSpec } from '../../manifests/types.js';
import { SCOPE_PLACEHOLDER } from '../../manifests/metric-plugin.js';
import { parseGoDuration } from '../../expr/go-duration.js';
import type { ProviderDefinition } from '../definition.js';
import { addressOf, PrometheusProvider, type PrometheusFlags } from '../prometheus.js';
import { failed, measured } from '../results.js';
import type { ProviderResult } from '../../analysis/provider.js';
import { classifyMetric, type MetricJudgement } from './classify.js';
import { scoreJudgement, type Scored } from './score.js';
import { PING_TIMEOUT_MS } from '../ping.js';

export const judge: ProviderDefinition<'judge', PrometheusFlags> = {
  kind: 'judge',
  decides: 'the score decides: Successful at or above pass, Inconclusive at or above marginal, Failed below',
  endpoint: (spec, o) => {
    const address = addressOf(spec, o);
    return address && !address.includes('{{') ? address : null;
  },
  describe: (spec, o) =>
    [
      `judge (canary/judge) on prometheus ${addressOf(spec, o) ?? '(address from --prometheus-address / ARGO_ROLLOUTS_PROMETHEUS_ADDRESS)'}: the last ${spec.lookback} every ${spec.step}, pass ${spec.thresholds.pass}, marginal ${spec.thresholds.marginal}`,
      `  baseline: ${spec.baseline}`,
      `  canary:   ${spec.canary}`,
      ...spec.metrics.map((m) => `  ${m.name} (${m.direction}${m.critical ? ', critical' : ''}): ${m.query}`),
    ].join('\n'),
  permissions: () => [],
  create: (env, o) => {
    const prometheus = new PrometheusProvider({ ...o, clock: env.clock, via: env.via, env: env.env, ...(env.serviceProxy ? { serviceProxy: env.serviceProxy } : {}), ...(env.resolvesHost ? { resolvesHost: env.resolvesHost } : {}) });
    return {
      measure: (spec, signal) => judgeOnce(prometheus, spec, o, signal),
      ping: async (spec, signal) => {
        const address = addressOf(spec, o) ?? '';
        const problem = await prometheus.ping(
          { kind: 'prometheus', address, query: 'vector(1)', timeoutMs: PING_TIMEOUT_MS, insecure: spec.insecure, headers: [], basicAuth: null, oauth2: null, rangeQuery: null, sigv4: null },
          signal,
        );
        return problem ? { ok: false, message: problem, hint: 'check the judge\'s address, or pass --prometheus-address' } : { ok: true, message: `${address} answers` };
      },
    };
  },
};

type Sides = { baseline: number[]; canary: number[] };

async function judgeOnce(prometheus: PrometheusProvider, spec: JudgeSpec, o: PrometheusFlags, signal: AbortSignal): Promise<ProviderResult> {
  const address = addressOf(spec, o);
  const step = parseGoDuration(spec.step);
  if (!step.ok || step.nanoseconds <= 0) return failed(`judge: step "${spec.step}" is not a positive duration`);
  const samples = await Promise.all(spec.metrics.map((m) => sides(prometheus, spec, address, m.query, step.nanoseconds / 1e6, signal)));
  const broken = samples.findIndex((s) => !s.ok);
  if (broken >= 0) return failed(`judge: metric ${spec.metrics[broken]!.name}: ${(samples[broken] as { message: string }).message}`);
  const judged = spec.metrics.map((m, i) => {
    const s = samples[i] as { ok: true } & Sides;
    return { judgement: classifyMetric(m.name, s.canary, s.baseline, { ...m, confidence: spec.confidence }), weight: m.weight };
  });
  const scored = scoreJudgement(judged, spec.thresholds);
  const metrics = judged.map((j) => j.judgement);
  const value = {
    score: scored.score,
    classification: scored.classification,
    reason: scored.reason,
    metrics: metrics.map((m) => ({
      name: m.name,
      classification: m.classification,
      critical: m.critical,
      ratio: Number.isNaN(m.ratio) ? null : m.ratio,
      canary: m.canary,
      baseline: m.baseline,
      ...(m.test ? { u: m.test.u, pValue: m.test.pValue, shift: { estimate: m.test.estimate, lower: m.test.lower, upper: m.test.upper } } : {}),
    })),
  };
  const phase = scored.classification === 'Pass' ? 'Successful' : scored.classification === 'Marginal' ? 'Inconclusive' : 'Failed';
  const message = phase === 'Successful' ? null : failureMessage(scored, metrics, spec.thresholds);
  return measured(value, `score ${scored.score} (${scored.classification}): ${metrics.map(describeMetric).join(', ')}`, { baseline: spec.baseline, canary: spec.canary }, { json: true, verdict: { phase, message } });
}

/** The query over the window for each side; the samples of every series it returns. */
async function sides(prometheus: PrometheusProvider, spec: JudgeSpec, address: string | null, query: string, stepMs: number, signal: AbortSignal): Promise<({ ok: true } & Sides) | { ok: false; message: string }> {
  const out: Partial<Sides> = {};
  for (const side of ['baseline', 'canary'] as const) {
    const p: PrometheusSpec = {
      kind: 'prometheus',
      address,
      query: query.replace(SCOPE_PLACEHOLDER, spec[side]),
      timeoutMs: spec.timeoutMs,
      insecure: spec.insecure,
      headers: [],
      basicAuth: null,
      oauth2: null,
      sigv4: null,
      rangeQuery: { start: `now() - duration(${JSON.stringify(spec.lookback)})`, end: 'now()', stepMs },
    };
    const r = await prometheus.measure(p, signal);
    if (!r.ok) return { ok: false, message: `${side} query failed: ${r.message}` };
    out[side] = r.value as number[];
  }
  return { ok: true, baseline: out.baseline!, canary: out.canary! };
}

/** `latency-p99 High (+31.2%)`, `success-rate Low critical (canary 0.70 vs baseline 0.99)`, `errors NoData`. */
function describeMetric(m: MetricJudgement): string {
  const head = `${m.name} ${m.classification}${m.critical ? ' critical' : ''}`;
  if (m.classification === 'NoData') return head;
  return `${head} (${change(m)})`;
}

function change(m: MetricJudgement): string {
  const means = `canary mean ${round(m.canary.mean)} vs baseline ${round(m.baseline.mean)}`;
  if (Number.isNaN(m.ratio)) return means;
  const pct = (m.ratio - 1) * 100;
  return `${means}, ${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%`;
}

function failureMessage(scored: Scored, metrics: readonly MetricJudgement[], thresholds: { pass: number; marginal: number }): string {
  const bar = scored.classification === 'Fail' ? `< marginal ${thresholds.marginal}` : `< pass ${thresholds.pass}`;
  const moved = metrics.filter((m) => m.classification !== 'Pass');
  const details = moved.map((m) => {
    if (m.classification === 'NoData') return `${m.name} NoData${m.critical ? ' (critical)' : ''}: ${m.reason ?? 'no samples'}`;
    const test = m.test ? `, U=${m.test.u}, p=${m.test.pValue.toPrecision(2)}` : '';
    return `${m.name} ${m.classification}${m.critical ? ' (critical)' : ''}: ${change(m)}${test}`;
  });
  return `judge score ${scored.score} ${bar}${scored.reason ? ` (${scored.reason})` : ''}: ${details.join('; ') || 'no metric moved'}`;
}

function round(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}
