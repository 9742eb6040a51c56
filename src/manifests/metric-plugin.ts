/**
 * provider.plugin: Argo's metric plugins, by name. canary has one built in, `canary/judge`, its
 * canary-versus-baseline judge (docs/judge.md); other plugins are refused by name. The judge's
 * queries keep `{{scope}}`, where each side's selector goes when it measures.
 */
import { readGoDuration } from './go-duration-field.js';
import { checkUrl } from './providers.js';
import { isRecord, type Reader } from './reader.js';
import type { JudgeMetric, JudgeSpec } from './types.js';

export const JUDGE_PLUGIN = 'canary/judge';
export const SCOPE_PLACEHOLDER = /\{\{\s*scope\s*\}\}/g;
const DIRECTIONS = ['increase', 'decrease', 'either'] as const;

export function readPlugin(r: Reader): JudgeSpec | null {
  const names = isRecord(r.value) ? Object.keys(r.value) : [];
  const p = r.object({
    known: [JUDGE_PLUGIN],
    unsupported: Object.fromEntries(names.filter((n) => n !== JUDGE_PLUGIN).map((n) => [n, `metric plugin "${n}" is not supported: canary's built-in plugin is ${JUDGE_PLUGIN} (docs/judge.md)`])),
  });
  if (!p) return null;
  if (names.length !== 1) {
    if (names.length > 1) p.error('a metric uses one plugin');
    else p.error(`no plugin named: use ${JUDGE_PLUGIN}`);
    return null;
  }
  return names[0] === JUDGE_PLUGIN ? readJudge(p.field(JUDGE_PLUGIN)) : null;
}

function readJudge(r: Reader): JudgeSpec | null {
  const j = r.object({ known: ['address', 'timeout', 'insecure', 'baseline', 'canary', 'lookback', 'step', 'confidence', 'thresholds', 'metrics'] }, { required: true });
  if (!j) return null;
  const address = j.field('address').string() || null;
  if (address !== null && !address.includes('{{')) checkUrl(j.field('address'), address);
  const baseline = j.field('baseline').string({ required: true });
  const canary = j.field('canary').string({ required: true });
  const timeout = j.field('timeout').int({ min: 1 });
  const confidence = number(j.field('confidence'), 0.98, (v) => v > 0 && v < 1, 'a confidence level between 0 and 1, e.g. 0.98');
  const t = j.field('thresholds').object({ known: ['pass', 'marginal'] });
  const pass = t ? number(t.field('pass'), 80, (v) => v >= 0 && v <= 100, 'a score between 0 and 100') : 80;
  const marginal = t ? number(t.field('marginal'), 60, (v) => v >= 0 && v <= 100, 'a score between 0 and 100') : 60;
  if (marginal > pass) j.field('thresholds').field('marginal').error(`must not be above pass (${pass})`);
  const metrics: JudgeMetric[] = [];
  const names = new Set<string>();
  const items = j.field('metrics').list({ required: true });
  if (j.field('metrics').present && items.length === 0) j.field('metrics').error('list at least one metric to compare');
  for (const item of items) {
    const m = readJudgeMetric(item);
    if (!m) continue;
    if (names.has(m.name)) item.field('name').error(`duplicate metric name "${m.name}"`);
    names.add(m.name);
    metrics.push(m);
  }
  if (baseline === null || canary === null || metrics.length !== items.length || items.length === 0) return null;
  return {
    kind: 'judge',
    address,
    baseline,
    canary,
    lookback: readGoDuration(j.field('lookback'), '5m', { positive: true }),
    step: readGoDuration(j.field('step'), '15s', { positive: true }),
    metrics,
    thresholds: { pass, marginal },
    confidence,
    timeoutMs: (timeout ?? 30) * 1000,
    insecure: j.field('insecure').bool(false),
  };
}

function readJudgeMetric(item: Reader): JudgeMetric | null {
  const m = item.object({ known: ['name', 'query', 'direction', 'critical', 'weight', 'minSamples', 'tolerance', 'nanStrategy', 'effectSize'] });
  if (!m) return null;
  const name = m.field('name').string({ required: true });
  const query = m.field('query').string({ required: true });
  if (query !== null && !new RegExp(SCOPE_PLACEHOLDER.source).test(query)) {
    m.field('query').error('the query must say where each side\'s selector goes: write {{scope}} in it, e.g. sum(rate(response_total{ {{scope}}, classification="failure" }[1m]))');
  }
  const directionRaw = m.field('direction').string() ?? 'either';
  const direction = (DIRECTIONS as readonly string[]).includes(directionRaw) ? (directionRaw as JudgeMetric['direction']) : null;
  if (!direction) m.field('direction').error(`"${directionRaw}" is not a direction: use increase (higher is worse), decrease (lower is worse) or either`);
  const nanRaw = m.field('nanStrategy').string() ?? 'remove';
  if (nanRaw !== 'remove' && nanRaw !== 'replace') m.field('nanStrategy').error(`"${nanRaw}" is not a NaN strategy: use remove or replace`);
  const e = m.field('effectSize').object({ known: ['allowedIncrease', 'allowedDecrease', 'criticalIncrease', 'criticalDecrease'] });
  const ratio = (field: string) => (e ? number(e.field(field), 1, (v) => v > 0, 'a positive ratio of means, e.g. 1.2') : 1);
  const effectSize = { allowedIncrease: ratio('allowedIncrease'), allowedDecrease: ratio('allowedDecrease'), criticalIncrease: ratio('criticalIncrease'), criticalDecrease: ratio('criticalDecrease') };
  const weight = number(m.field('weight'), 1, (v) => v > 0, 'a positive weight');
  const minSamples = m.field('minSamples').int({ min: 1 }) ?? 10;
  const tolerance = number(m.field('tolerance'), 0.25, (v) => v >= 0, 'a fraction such as 0.25');
  if (name === null || query === null || !direction) return null;
  return { name, query, direction, critical: m.field('critical').bool(false), weight, minSamples, tolerance, nanStrategy: nanRaw === 'replace' ? 'replace' : 'remove', effectSize };
}

function number(r: Reader, fallback: number, ok: (v: number) => boolean, what: string): number {
  if (!r.present) return fallback;
  if (typeof r.value !== 'number' || !ok(r.value)) {
    r.error(`expected ${what}, got ${JSON.stringify(r.value)}`);
    return fallback;
  }
  return r.value;
}
