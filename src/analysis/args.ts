/**
 * Argo args for one analysis run: template args merged with the caller's (a Rollout's analysis
 * args, or `--arg` on the command line), secrets read through the SecretReader port, Rollout fields
 * read from the given context, then `{{args.name}}` substituted into every metric.
 * Every problem is collected, naming the template and the arg; nothing throws for bad input.
 */
import type { DryRunRule, JsonValue, MetricSpec, RetentionRule, RolloutArg } from '../manifests/types.js';
import { assertNever } from '../util/assert-never.js';
import { messageOf } from '../util/errors.js';
import { uniqueRules, type MergedTemplate, type SourcedArg } from './compose.js';
import { readFieldPath } from './field-ref.js';
import { applyMetricRules } from './metric-rules.js';
import type { SecretReader } from './secrets.js';
import { resolveMetricStrings } from './substitute.js';
import { resolveTemplatedNumbers } from './templated-numbers.js';
import type { ResolvedMetric } from './types.js';

/** A caller-side arg; a Rollout's `RolloutArg` is one, and so is `--arg name=value` as `{ kind: 'value' }`. */
export interface CallerArg {
  name: string;
  source: RolloutArg['source'];
}

/** What Rollout-side and fieldRef args are read from. */
export interface ArgContext {
  /** The run's namespace: secrets are read from it only. */
  namespace: string;
  /** The Rollout object (metadata, spec, status) for fieldRef; null when there is none (`canary analyze`). */
  rollout: JsonValue | null;
  /** Values of podTemplateHashValue: Stable and Latest; null when not known (no stable yet). */
  podTemplateHash: { stable: string | null; latest: string | null };
}

export interface ArgError {
  /** `AnalysisTemplate success-rate`, or null when the problem is on the caller's side. */
  template: string | null;
  arg: string | null;
  /** The whole sentence: where, what, and what to do. */
  message: string;
}

export interface ResolveRequest {
  template: MergedTemplate;
  args: readonly CallerArg[];
  /** The caller's rules (a Rollout ref's); merged with the templates' own. */
  dryRun?: readonly DryRunRule[];
  measurementRetention?: readonly RetentionRule[];
  context: ArgContext;
  secrets: SecretReader;
}

export type Resolution =
  | { ok: true; metrics: ResolvedMetric[]; secrets: string[]; warnings: string[] }
  | { ok: false; errors: ArgError[] };

type Planned =
  | { kind: 'value'; name: string; template: string; value: string; secret?: boolean }
  | { kind: 'secret'; name: string; template: string; secretName: string; key: string };

export async function resolveAnalysis(req: ResolveRequest): Promise<Resolution> {
  const { planned, errors, warnings } = planArgs(req.template.args, req.args, req.context);
  const { values, secrets } = await readValues(planned, req, errors);
  if (errors.length > 0) return { ok: false, errors };
  const specs = substituteAll(req.template, values, errors);
  if (errors.length > 0) return { ok: false, errors };
  const metrics = withRules(specs, req, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, metrics, secrets, warnings };
}

function substituteAll(template: MergedTemplate, values: ReadonlyMap<string, string>, errors: ArgError[]): MetricSpec[] {
  const specs: MetricSpec[] = [];
  for (const m of template.metrics) {
    const strings = resolveMetricStrings(m.spec, values);
    const resolved = strings.ok ? resolveTemplatedNumbers(m.spec, strings.value) : strings;
    if (resolved.ok) specs.push(resolved.value);
    else for (const e of resolved.errors) errors.push({ template: m.template, arg: null, message: `${m.template}: metric ${m.spec.name}: ${e}` });
  }
  return specs;
}

/** The caller's dryRun/measurementRetention rules and the templates' own, applied to the substituted names. */
function withRules(specs: readonly MetricSpec[], req: ResolveRequest, errors: ArgError[]): ResolvedMetric[] {
  const problems: string[] = [];
  const dryRun = uniqueRules([...(req.dryRun ?? []), ...req.template.dryRun], 'Dry-Run', problems);
  const retention = uniqueRules([...(req.measurementRetention ?? []), ...req.template.measurementRetention], 'Measurement Retention', problems);
  const names = specs.map((s) => s.name);
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) problems.push(`metrics[${i}]: duplicate name '${n}' after substituting args`);
  });
  const rules = applyMetricRules(names, dryRun, retention);
  if (!rules.ok) problems.push(...rules.errors);
  const where = req.template.templates.join(', ');
  for (const p of problems) errors.push({ template: where, arg: null, message: `${where}: ${p}` });
  if (!rules.ok || problems.length > 0) return [];
  return specs.map((spec) => ({ spec, ...rules.flags.get(spec.name)! }));
}

/**
 * Argo MergeArgs: a caller arg overrides the template arg of the same name; a template arg with
 * neither value nor valueFrom that no caller supplies is unresolved. Caller args that no template
 * declares are ignored, with a warning (Argo ignores them silently).
 */
function planArgs(
  templateArgs: readonly SourcedArg[],
  callerArgs: readonly CallerArg[],
  ctx: ArgContext,
): { planned: Planned[]; errors: ArgError[]; warnings: string[] } {
  const planned: Planned[] = [];
  const errors: ArgError[] = [];
  const warnings: string[] = [];
  for (const caller of callerArgs) {
    if (!templateArgs.some((a) => a.name === caller.name)) {
      const declared = [...new Set(templateArgs.map((a) => a.template))].join(', ') || 'the templates';
      warnings.push(`arg "${caller.name}" is not declared by ${declared}; it is ignored`);
    }
  }
  for (const arg of templateArgs) {
    const caller = callerArgs.find((c) => c.name === arg.name);
    const fail = (why: string, template: string | null = arg.template) =>
      errors.push({ template, arg: arg.name, message: `${template ?? "the Rollout's analysis args"}: args.${arg.name} ${why}` });
    if (caller) {
      const value = callerValue(caller, ctx);
      // A value given in place of a Secret's is as secret: it is redacted like one.
      if (value.ok) planned.push({ kind: 'value', name: arg.name, template: arg.template, value: value.value, secret: arg.source.kind === 'secretKeyRef' });
      else fail(value.message, null);
      continue;
    }
    const source = arg.source;
    switch (source.kind) {
      case 'none':
        fail(`was not resolved: give it a value in the Rollout's analysis args, or pass --arg ${arg.name}=VALUE`);
        break;
      case 'value':
        planned.push({ kind: 'value', name: arg.name, template: arg.template, value: source.value });
        break;
      case 'secretKeyRef':
        planned.push({ kind: 'secret', name: arg.name, template: arg.template, secretName: source.secretName, key: source.key });
        break;
      case 'fieldRef': {
        const value = fieldRefValue(source.fieldPath, arg.name, ctx);
        if (value.ok) planned.push({ kind: 'value', name: arg.name, template: arg.template, value: value.value });
        else fail(value.message);
        break;
      }
      default:
        assertNever(source, 'arg source');
    }
  }
  return { planned, errors, warnings };
}

type Value = { ok: true; value: string } | { ok: false; message: string };

function callerValue(arg: CallerArg, ctx: ArgContext): Value {
  const source = arg.source;
  switch (source.kind) {
    case 'value':
      return { ok: true, value: source.value };
    case 'podTemplateHash': {
      const hash = source.which === 'Stable' ? ctx.podTemplateHash.stable : ctx.podTemplateHash.latest;
      if (hash === null) return { ok: false, message: `(podTemplateHashValue: ${source.which}): there is no ${source.which === 'Stable' ? 'stable' : 'new'} pod template yet` };
      return { ok: true, value: hash };
    }
    case 'fieldRef':
      return fieldRefValue(source.fieldPath, arg.name, ctx);
    default:
      return assertNever(source, 'caller arg source');
  }
}

function fieldRefValue(fieldPath: string, name: string, ctx: ArgContext): Value {
  if (ctx.rollout === null) {
    return { ok: false, message: `(fieldRef ${fieldPath}) reads a Rollout field, and there is no Rollout here: pass --arg ${name}=VALUE` };
  }
  const v = readFieldPath(ctx.rollout, fieldPath);
  return v.ok ? v : { ok: false, message: `(fieldRef ${fieldPath}): ${v.message}` };
}

/** Reads each distinct secret once, in parallel; the values become args and redaction needles. */
async function readValues(
  planned: readonly Planned[],
  req: ResolveRequest,
  errors: ArgError[],
): Promise<{ values: Map<string, string>; secrets: string[] }> {
  // Settled up front: a read that fails while another is awaited must not go unhandled.
  const reads = new Map<string, Promise<Value>>();
  for (const p of planned) {
    if (p.kind !== 'secret') continue;
    const id = `${p.secretName}\u0000${p.key}`;
    if (!reads.has(id)) {
      reads.set(
        id,
        req.secrets.read(req.context.namespace, p.secretName, p.key).then(
          (value): Value => ({ ok: true, value }),
          (err: unknown): Value => ({ ok: false, message: messageOf(err) }),
        ),
      );
    }
  }
  const values = new Map<string, string>();
  const secrets = new Set<string>();
  for (const p of planned) {
    if (p.kind === 'value') {
      values.set(p.name, p.value);
      if (p.secret && p.value !== '') secrets.add(p.value);
      continue;
    }
    const read = await reads.get(`${p.secretName}\u0000${p.key}`)!;
    if (!read.ok) {
      errors.push({ template: p.template, arg: p.name, message: `${p.template}: args.${p.name}: ${read.message}` });
      continue;
    }
    values.set(p.name, read.value);
    if (read.value !== '') secrets.add(read.value);
  }
  return { values, secrets: [...secrets] };
}
