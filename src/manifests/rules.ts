/**
 * Cross-field and cross-document rules, Argo's validation plus what canary needs to run a spec.
 * Each rule is a pure function of the whole SpecSet, so lint, run and analyze apply the same checks.
 */
import { checkCondition, RESULT_SHAPES, type ResultShape } from '../expr/index.js';
import { assertNever } from '../util/assert-never.js';
import { issue, type Issue, type Loc, type Locator } from './issues.js';
import { placeholdersOf } from './placeholders.js';
import { pathToString } from './source.js';
import { collectTemplates, describeRef } from './template-index.js';
import { podLabels } from './pod-template.js';
import { analysisUses, trackServiceFields, trackServices } from './strategy.js';
import type { AnalysisRef, AnalysisTemplateSpec, DeploymentSpec, JsonObject, MetricSpec, RolloutSpec, SpecSet } from './types.js';

export interface RuleContext {
  /** The namespace applied to manifests without metadata.namespace (-n, the context, or default). */
  namespace: string | null;
  /** A Prometheus address from --prometheus-address or ARGO_ROLLOUTS_PROMETHEUS_ADDRESS, if any. */
  prometheusAddress: string | null;
}

export interface Rule {
  id: string;
  check(spec: SpecSet, ctx: RuleContext): Issue[];
}

const err = (at: Loc, message: string) => issue('error', at, message);
const warn = (at: Loc, message: string) => issue('warning', at, message);
/** The location of a field below an object that knows its source. */
const at = (owner: { loc: Loc; source: Locator }, suffix: string, prefer: 'key' | 'value' = 'value'): Loc =>
  owner.source.locAt(owner.loc.path ? `${owner.loc.path}${suffix.startsWith('[') ? '' : '.'}${suffix}` : suffix, prefer);

export function rolloutNamespace(r: RolloutSpec, ctx: RuleContext): string | null {
  return r.namespace ?? ctx.namespace;
}

/** Every analysis reference of a Rollout: background and step analyses, blue-green's pre- and postPromotionAnalysis. */
export function analysisRefs(r: RolloutSpec): { ref: AnalysisRef; label: string }[] {
  return analysisUses(r).map(({ ref, label }) => ({ ref, label }));
}

const trafficRoutingServices: Rule = {
  id: 'traffic-routing-services',
  check(spec) {
    const out: Issue[] = [];
    for (const r of spec.rollouts) {
      if (r.strategy.kind !== 'canary') continue;
      const c = r.strategy;
      // Argo's exception: Istio subset-level splitting selects pods through the DestinationRule, not Services.
      const subsetLevel = c.trafficRouting.kind === 'istio' && c.trafficRouting.destinationRule !== null;
      if (c.trafficRouting.kind !== 'none' && !subsetLevel && (!c.canaryService || !c.stableService)) {
        out.push(err(c.trafficRouting.loc, 'traffic routing needs both canaryService and stableService: set them in spec.strategy.canary'));
      }
      if (c.canaryService && c.canaryService === c.stableService) {
        out.push(err(at(r, 'spec.strategy.canary.stableService'), `canaryService and stableService are both "${c.canaryService}": they must be two different Services`));
      }
      if (c.trafficRouting.kind === 'smi' && c.trafficRouting.rootService && [c.canaryService, c.stableService].includes(c.trafficRouting.rootService)) {
        out.push(err(at(r, 'spec.strategy.canary.trafficRouting.smi.rootService'), `rootService "${c.trafficRouting.rootService}" must be the Service clients call, not the canary or stable one`));
      }
    }
    return out;
  },
};

const surge: Rule = {
  id: 'max-surge-max-unavailable',
  check(spec) {
    return spec.rollouts
      .filter((r) => r.strategy.kind === 'canary' && r.strategy.maxSurge.value === 0 && r.strategy.maxUnavailable.value === 0)
      .map((r) => err(at(r, 'spec.strategy.canary.maxUnavailable'), 'maxSurge and maxUnavailable cannot both be 0: the rollout could never replace a pod'));
  },
};

const startingStep: Rule = {
  id: 'starting-step',
  check(spec) {
    const out: Issue[] = [];
    for (const r of spec.rollouts) {
      if (r.strategy.kind !== 'canary') continue;
      const { analysis: a, steps } = r.strategy;
      // Equal to the number of steps is allowed (Argo's e2e uses it): the analysis then starts once the steps are done.
      if (a && a.startingStep > 0 && a.startingStep > steps.length) {
        out.push(err(at({ loc: a.loc, source: r.source }, 'startingStep'), `startingStep ${a.startingStep} is past the end of the steps (there are ${steps.length}; ${steps.length} starts the analysis when they are done): background analysis would never start`));
      }
    }
    return out;
  },
};

const uniqueNames: Rule = {
  id: 'unique-names',
  check(spec, ctx) {
    const out: Issue[] = [];
    const seen = new Map<string, Loc>();
    const check = (key: string, loc: Loc, what: string) => {
      const first = seen.get(key);
      if (first) out.push(err(loc, `${what} is defined twice (first at ${first.file}:${first.line})`));
      else seen.set(key, loc);
    };
    for (const r of spec.rollouts) check(`Rollout/${rolloutNamespace(r, ctx)}/${r.name}`, at(r, 'metadata.name'), `Rollout "${r.name}"`);
    for (const t of spec.templates) check(`${t.kind}/${t.namespace ?? ctx.namespace}/${t.name}`, at(t, 'metadata.name'), `${t.kind} "${t.name}"`);
    return out;
  },
};

const templateRefs: Rule = {
  id: 'template-refs-exist',
  check(spec, ctx) {
    const out: Issue[] = [];
    for (const r of spec.rollouts) {
      const ns = rolloutNamespace(r, ctx);
      for (const { ref, label } of analysisRefs(r)) {
        const found = collectTemplates(spec.templates, ref.templates, ns);
        if (!found.ok) {
          for (const m of found.missing) {
            out.push(err(m.loc, `${label}: ${describeRef(m)} not found in the files given${ns ? ` (namespace ${ns})` : ''}: add its manifest to the command line`));
          }
          if (found.cycle) out.push(err(ref.loc, `${label}: templates include each other in a cycle: ${found.cycle.join(' -> ')}`));
        }
      }
    }
    for (const t of spec.templates) {
      const found = collectTemplates(spec.templates, t.templates, t.namespace ?? ctx.namespace);
      if (!found.ok) for (const m of found.missing) out.push(err(m.loc, `${describeRef(m)} not found in the files given`));
    }
    return out;
  },
};

const metricLimits: Rule = {
  id: 'metric-limits',
  check(spec) {
    const out: Issue[] = [];
    for (const t of spec.templates) for (const m of t.metrics) out.push(...checkMetric(m));
    return out;
  },
};

/** Argo's limits on one metric. With `{{args...}}` in its numbers they are checked per run, once resolved. */
export function checkMetric(m: MetricSpec): Issue[] {
  const out: Issue[] = [];
  if (m.templated.length > 0) return out;
  const where = (field: string) => at(m, field);
  if (m.failureLimit === -1 && m.consecutiveSuccessLimit <= 0) {
    out.push(err(where('failureLimit'), 'failureLimit and consecutiveSuccessLimit cannot both be disabled: set consecutiveSuccessLimit > 0 to use failureLimit: -1'));
  }
  if (m.count !== null && m.count > 1 && m.intervalMs === null) {
    out.push(err(where('count'), 'interval must be specified when count > 1'));
  }
  if (m.count !== null) {
    const needed = Math.max(0, m.failureLimit) + Math.max(0, m.consecutiveSuccessLimit);
    if (m.failureLimit >= 0 && m.consecutiveSuccessLimit >= 0 && m.count < needed) {
      out.push(err(where('count'), `count (${m.count}) must be >= failureLimit (${m.failureLimit}) + consecutiveSuccessLimit (${m.consecutiveSuccessLimit}), or the metric could never reach its verdict`));
    }
    if (m.count < m.inconclusiveLimit) {
      out.push(err(where('count'), `count (${m.count}) must be >= inconclusiveLimit (${m.inconclusiveLimit})`));
    }
  }
  return out;
}

/** Args: required ones supplied by each reference; placeholders refer to declared args. */
const args: Rule = {
  id: 'args',
  check(spec, ctx) {
    const out: Issue[] = [];
    for (const t of spec.templates) {
      const included = collectTemplates(spec.templates, t.templates, t.namespace ?? ctx.namespace).templates;
      const declared = new Set([t, ...included].flatMap((x) => x.args.map((a) => a.name)));
      for (const m of t.metrics) {
        for (const p of placeholdersOf(m)) {
          const loc = at(m, p.field);
          if (p.arg === null) out.push(err(loc, `unknown placeholder {{${p.expression}}}: canary substitutes {{args.<name>}} only`));
          else if (!declared.has(p.arg)) out.push(err(loc, `{{args.${p.arg}}} refers to an arg that ${t.kind} "${t.name}" does not declare: add it to spec.args`));
        }
      }
    }
    for (const r of spec.rollouts) {
      const ns = rolloutNamespace(r, ctx);
      for (const { ref, label } of analysisRefs(r)) {
        const templates = collectTemplates(spec.templates, ref.templates, ns).templates;
        if (templates.length === 0) continue;
        const declared = new Map(templates.flatMap((t) => t.args.map((a) => [a.name, { a, t }] as const)));
        const supplied = new Set(ref.args.map((a) => a.name));
        for (const [name, { a, t }] of declared) {
          if (a.source.kind === 'none' && !supplied.has(name)) {
            out.push(err(r.source.locAt(`${ref.loc.path}.args`), `${label}: ${t.kind} "${t.name}" needs arg "${name}": add {name: ${name}, value: ...} to args`));
          }
        }
        for (const a of ref.args) {
          if (!declared.has(a.name)) out.push(warn(a.loc, `${label}: arg "${a.name}" is not declared by ${templates.map((t) => `"${t.name}"`).join(', ')}: it has no effect`));
        }
      }
    }
    return out;
  },
};

/** Metrics of one reference must not collide; dryRun and measurementRetention rules must match a metric. */
const refMetrics: Rule = {
  id: 'metric-rules-match',
  check(spec, ctx) {
    const out: Issue[] = [];
    const checkRules = (owner: { dryRun: AnalysisRef['dryRun']; measurementRetention: AnalysisRef['measurementRetention'] }, metrics: MetricSpec[]) => {
      owner.dryRun.forEach((d, i) => {
        const re = new RegExp(d.metricName);
        if (!metrics.some((m) => re.test(m.name))) out.push(err(d.loc, `dryRun[${i}]: "${d.metricName}" matches no metric (metrics: ${metrics.map((m) => m.name).join(', ') || 'none'})`));
      });
      owner.measurementRetention.forEach((d, i) => {
        const re = new RegExp(d.metricName);
        if (!metrics.some((m) => re.test(m.name))) out.push(err(d.loc, `measurementRetention[${i}]: "${d.metricName}" matches no metric`));
      });
    };
    for (const t of spec.templates) {
      const all = [t, ...collectTemplates(spec.templates, t.templates, t.namespace ?? ctx.namespace).templates];
      checkRules(t, all.flatMap((x) => x.metrics));
    }
    for (const r of spec.rollouts) {
      for (const { ref, label } of analysisRefs(r)) {
        const templates = collectTemplates(spec.templates, ref.templates, rolloutNamespace(r, ctx)).templates;
        const metrics = templates.flatMap((t) => t.metrics);
        const owners = new Map<string, AnalysisTemplateSpec>();
        for (const t of templates) {
          for (const m of t.metrics) {
            const first = owners.get(m.name);
            if (first && first !== t) out.push(err(r.source.locAt(`${ref.loc.path}.templates`), `${label}: metric "${m.name}" is defined by both "${first.name}" and "${t.name}": metric names must be unique within an analysis`));
            owners.set(m.name, t);
          }
        }
        if (templates.length) checkRules(ref, metrics);
      }
    }
    return out;
  },
};

/** When Service manifests are given, the Services a Rollout names must be among them and select its pods. */
const services: Rule = {
  id: 'services-exist',
  check(spec, ctx) {
    const out: Issue[] = [];
    if (spec.services.length === 0) return out;
    for (const r of spec.rollouts) {
      const ns = rolloutNamespace(r, ctx);
      const fields = trackServiceFields(r.strategy);
      const names = trackServices(r.strategy);
      const named: [string, string | null][] = [
        [fields.canary, names.canary],
        [fields.stable, names.stable],
      ];
      if (r.strategy.kind === 'canary' && r.strategy.trafficRouting.kind === 'smi') named.push(['trafficRouting.smi.rootService', r.strategy.trafficRouting.rootService]);
      const pods = podsOf(r, spec, ctx);
      for (const [field, name] of named) {
        if (!name) continue;
        // A Service without metadata.namespace goes where the command puts it: -n, else the Rollout's namespace.
        const svc = spec.services.find((s) => s.name === name && (s.namespace ?? ctx.namespace ?? ns) === ns);
        if (!svc) {
          out.push(err(at(r, `spec.strategy.${r.strategy.kind}.${field}`), `Service "${name}" is not among the Service manifests given: add it, or check the name`));
          continue;
        }
        if (!pods) continue;
        const labels = podLabels(pods.template);
        for (const [k, v] of Object.entries(svc.selector)) {
          if (labels[k] !== v) {
            out.push(err(svc.source.locAt(pathToString(['spec', 'selector', k])), `Service "${name}" selects ${k}=${v}, which the pods of Rollout "${r.name}" do not carry: it would route to no pod`));
            break;
          }
        }
      }
    }
    return out;
  },
};

/**
 * workloadRef: when the Deployment is among the files, it is the Rollout's pod template; a selector
 * the Rollout writes must match it (Argo validates the resolved Rollout the same way). A Deployment
 * not given is read from the cluster by `canary run`.
 */
const workloadRef: Rule = {
  id: 'workload-ref',
  check(spec, ctx) {
    const out: Issue[] = [];
    for (const r of spec.rollouts) {
      if (!r.workloadRef || !r.selector) continue;
      const d = referencedDeployment(r, spec, ctx);
      if (!d) continue;
      const labels = podLabels(d.template);
      for (const [k, v] of Object.entries(r.selector.matchLabels)) {
        if (labels[k] !== v) {
          out.push(err(at(r, 'spec.selector.matchLabels'), `the pods of Deployment "${d.name}" (workloadRef) do not carry ${k}=${v}: the Rollout's selector must match its template`));
          break;
        }
      }
    }
    return out;
  },
};

/** The Deployment a Rollout's workloadRef names, when it is among the files. */
export function referencedDeployment(r: RolloutSpec, spec: SpecSet, ctx: RuleContext): DeploymentSpec | null {
  const ref = r.workloadRef;
  if (!ref) return null;
  const ns = rolloutNamespace(r, ctx);
  return spec.deployments.find((d) => d.name === ref.name && (d.namespace ?? ctx.namespace ?? ns) === ns) ?? null;
}

/** The Rollout's selector and pod template: written inline, or its workloadRef's Deployment when given in the files. */
function podsOf(r: RolloutSpec, spec: SpecSet, ctx: RuleContext): { template: JsonObject } | null {
  if (r.template) return { template: r.template };
  const d = referencedDeployment(r, spec, ctx);
  return d ? { template: d.template } : null;
}

/**
 * An analysis that gates a step (a canary's analysis step, blue-green's pre- and
 * postPromotionAnalysis) passes only once every metric ended: a metric with an interval and no
 * count measures until it is terminated, so the gate would never open.
 */
const gatesEnd: Rule = {
  id: 'gating-analysis-ends',
  check(spec, ctx) {
    const out: Issue[] = [];
    for (const r of spec.rollouts) {
      for (const use of analysisUses(r)) {
        if (use.id === 'background') continue;
        for (const t of collectTemplates(spec.templates, use.ref.templates, rolloutNamespace(r, ctx)).templates) {
          for (const m of t.metrics) {
            if (m.count === null && m.intervalMs !== null && !m.templated.some((x) => x.field === 'count')) {
              out.push(warn(use.ref.loc, `${use.label}: metric "${m.name}" of ${t.kind} "${t.name}" has an interval and no count, so it measures until terminated and the analysis never passes: give it a count`));
            }
          }
        }
      }
    }
    return out;
  },
};

/** Conditions are compiled now, so a typo fails lint instead of the first measurement. */
const conditions: Rule = {
  id: 'conditions-compile',
  check(spec) {
    const out: Issue[] = [];
    for (const t of spec.templates) {
      for (const m of t.metrics) {
        for (const field of ['successCondition', 'failureCondition'] as const) {
          const source = m[field];
          if (source === null || /\{\{.*\}\}/.test(source)) continue; // placeholders are checked after substitution
          const e = checkCondition(source, resultShapes(m.provider));
          if (!e) continue;
          const loc = at(m, field);
          // Point at the offending character when the expression sits on the line of its key.
          const col = e.column !== undefined && (e.line ?? 1) === 1 ? loc.col + e.column - 1 : loc.col;
          out.push(err({ ...loc, col }, `${e.message}${e.detail ? `\n${indent(e.detail)}` : ''}`));
        }
      }
    }
    return out;
  },
};

/**
 * The Go types the metric's provider hands Argo as `result`, which Argo compiles the condition
 * against: a Prometheus range query or vector is []float64, a scalar query float64; the web
 * provider gives decoded JSON of any shape, or the body as a string; the others as noted.
 */
function resultShapes(provider: MetricSpec['provider']): ResultShape[] {
  switch (provider.kind) {
    case 'prometheus':
      if (provider.rangeQuery) return ['[]float64'];
      return /^\s*(scalar\s*\(|[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$)/i.test(provider.query) ? ['float64'] : ['[]float64'];
    case 'web':
      return ['map[string]interface {}', '[]interface {}', 'float64', 'string', 'bool', 'nil'];
    // The Job, or the judge's thresholds, decide; conditions are not evaluated (a rule warns).
    case 'job':
    case 'judge':
      return [...RESULT_SHAPES];
    // A scalar, a grouped query's values, or nil without data.
    case 'datadog':
      return ['float64', '[]float64', 'nil'];
    // One result row (a map), or the rows.
    case 'newRelic':
      return ['map[string]interface {}', '[]interface {}'];
    // The MetricDataResults, read as `result[0].Values`.
    case 'cloudWatch':
      return ['[]interface {}'];
    case 'graphite':
      return ['[]float64'];
    case 'influxdb':
      return ['[]interface {}'];
    default:
      return assertNever(provider, 'metric provider');
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

const prometheusAddress: Rule = {
  id: 'prometheus-address',
  check(spec, ctx) {
    if (ctx.prometheusAddress) return [];
    return spec.templates.flatMap((t) =>
      t.metrics
        .filter((m) => m.provider.kind === 'prometheus' && m.provider.address === null)
        .map((m) => warn(at(m, 'provider.prometheus'), 'no address: canary will need --prometheus-address or ARGO_ROLLOUTS_PROMETHEUS_ADDRESS')),
    );
  },
};

/**
 * A Job's success is the measurement (Argo's job provider never evaluates conditions), and the
 * judge's score against its thresholds is: say so rather than let conditions mislead.
 */
const decidingProviderConditions: Rule = {
  id: 'conditions-ignored',
  check(spec) {
    const why = { job: 'a job metric is Successful when its Job completes and Failed when it fails', judge: 'the judge decides by its score and thresholds' } as const;
    return spec.templates.flatMap((t) =>
      t.metrics.flatMap((m) => {
        const kind = m.provider.kind;
        if (kind !== 'job' && kind !== 'judge') return [];
        return (['successCondition', 'failureCondition'] as const).filter((f) => m[f] !== null).map((f) => warn(at(m, f), `ignored: ${why[kind]}; ${f} is not evaluated${kind === 'job' ? ' (as in Argo)' : ''}`));
      }),
    );
  },
};

export const RULES: readonly Rule[] = [
  trafficRoutingServices,
  surge,
  startingStep,
  uniqueNames,
  templateRefs,
  metricLimits,
  args,
  refMetrics,
  services,
  workloadRef,
  gatesEnd,
  conditions,
  prometheusAddress,
  decidingProviderConditions,
];

export function validate(spec: SpecSet, ctx: RuleContext, rules: readonly Rule[] = RULES): Issue[] {
  return rules.flatMap((r) => r.check(spec, ctx));
}

