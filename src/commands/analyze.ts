/**
 * `canary analyze FILES... [--template NAME] [--arg k=v ...]`: one AnalysisTemplate on its own,
 * measurements printed as they land, exit 0 Successful, 1 Failed or Error, 7 Inconclusive.
 * `--once` takes one measurement per metric; `--dry-run` prints the resolved queries.
 */
import type { Outcome } from '../contract/outcome.js';
import { write, type Io } from '../contract/io.js';
import { parseOutput, parsePairs } from '../contract/options.js';
import type { Invocation } from '../contract/verb.js';
import { resolveAnalysis } from '../analysis/args.js';
import { isCompleted } from '../analysis/assess.js';
import { mergeTemplates } from '../analysis/compose.js';
import { explainRun } from '../analysis/explain.js';
import { runAnalysis } from '../analysis/scheduler.js';
import { maskedSecrets, type SecretReader } from '../analysis/secrets.js';
import type { AnalysisRun, ResolvedMetric } from '../analysis/types.js';
import { scaleMetric } from '../engine/analysis-resolver.js';
import { parseTimeScale } from '../engine/time-scale.js';
import type { Cluster } from '../wiring/cluster.js';
import type { ServiceProxy } from '../kube/service-proxy.js';
import { loadSpec } from '../manifests/index.js';
import { experimentWeightsRule } from '../routing/experiment-weights.js';
import { routeStepsRule } from '../routing/managed-routes.js';
import { formatIssue } from '../manifests/issues.js';
import type { AnalysisTemplateSpec } from '../manifests/types.js';
import { describeProvider, providerDecides } from '../providers/registry.js';
import { assertNever } from '../util/assert-never.js';
import { systemClock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import { CanaryError, UsageError } from '../util/errors.js';
import { createRedactor } from '../util/redact.js';
import { connectFrom } from './connect.js';
import { buildProvider, providerOptions, type ProviderFlags } from './providers.js';

interface AnalyzeFlags extends ProviderFlags {
  recursive?: boolean;
  template?: string;
  arg: string[];
  once?: boolean;
  dryRun?: boolean;
  timeScale?: string;
  output?: string;
}

export default async function analyze(inv: Invocation, io: Io): Promise<Outcome> {
  const flags = inv.options as unknown as AnalyzeFlags;
  const output = parseOutput(flags.output, ['text', 'json']);
  const timeScale = parseTimeScale(flags.timeScale);
  const args = parsePairs('--arg', flags.arg).map(([name, value]) => ({ name, source: { kind: 'value' as const, value } }));
  const clock = systemClock;

  const result = await loadSpec(inv.args, { namespace: inv.global.namespace ?? null, prometheusAddress: flags.prometheusAddress ?? io.env.ARGO_ROLLOUTS_PROMETHEUS_ADDRESS ?? null }, { recursive: Boolean(flags.recursive), cwd: io.cwd, rules: [routeStepsRule, experimentWeightsRule] });
  // A template read alone may miss args a Rollout would supply: only its own problems count here.
  const errors = result.issues.filter((i) => i.severity === 'error' && !/needs arg|not found in the files given/.test(i.message));
  if (errors.length) {
    for (const e of errors) write(io.stderr, formatIssue(e));
    throw new UsageError(`the manifests have ${errors.length} problem${errors.length === 1 ? '' : 's'}`, { hint: `\`canary lint ${inv.args.join(' ')}\` shows them` });
  }
  const template = pickTemplate(result.spec.templates, flags.template);
  const label = `${template.kind} ${template.name}`;

  const cluster = await tryConnect(inv, io, clock);
  const namespace = cluster?.namespaceFor(template.namespace) ?? template.namespace ?? inv.global.namespace ?? 'default';
  // A value given with --arg takes the place of the template's, Secret or not (Argo's MergeArgs).
  const fromSecrets = template.args.filter((a) => a.source.kind === 'secretKeyRef' && !args.some((g) => g.name === a.name)).map((a) => a.name);
  if (fromSecrets.length && !cluster && !flags.dryRun) {
    throw new UsageError(`${label} reads args from Secrets (${fromSecrets.join(', ')}), and there is no kubeconfig to read them with`, {
      hint: `pass --kubeconfig, or give ${fromSecrets.length === 1 ? 'the value' : 'the values'} with ${fromSecrets.map((n) => `--arg ${n}=VALUE`).join(' ')}`,
    });
  }
  const secrets: SecretReader = flags.dryRun || !cluster ? maskedSecrets : cluster.secrets();

  const merged = mergeTemplates([{ templateName: template.name, clusterScope: template.kind === 'ClusterAnalysisTemplate' }], result.spec.templates);
  if (!merged.ok) throw new UsageError(`${label}: ${merged.errors.join('; ')}`);
  const resolved = await resolveAnalysis({ template: merged.template, args, context: { namespace, rollout: null, podTemplateHash: { stable: null, latest: null } }, secrets });
  if (!resolved.ok) {
    // Resolution messages already start with the template's name.
    const text = resolved.errors.map((e) => e.message).join('; ');
    const missing = resolved.errors.some((e) => e.arg !== null);
    throw new UsageError(text.startsWith(label) ? text : `${label}: ${text}`, {
      hint: missing ? 'give the missing args with --arg NAME=VALUE' : 'check the values given with --arg (and the template), then run again',
    });
  }
  for (const w of resolved.warnings) write(io.stderr, io.errPalette.yellow(`warning: ${w}`));
  const redactor = createRedactor(resolved.secrets);
  let metrics = resolved.metrics.map((m) => scaleMetric(m, timeScale));
  if (flags.once) metrics = metrics.map((m) => ({ ...m, spec: { ...m.spec, count: 1, intervalMs: null } }));

  if (flags.dryRun) {
    for (const m of metrics) write(io.stdout, redactor.text(describeMetric(m, flags, io)));
    return 'ok';
  }

  const proxy: ServiceProxy | null = cluster ? await cluster.serviceProxy().catch(() => null) : null;
  const provider = buildProvider(flags, io, clock, { cluster, serviceProxy: proxy, namespace, owner: template.name });
  const seen = new Map<string, number>();
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  write(io.stderr, io.errPalette.dim(`analyzing ${label} (${metrics.map((m) => m.spec.name).join(', ')})${flags.once ? ', one measurement each' : ''}`));
  let run: AnalysisRun;
  try {
    run = await runAnalysis({
      id: template.name,
      metrics,
      provider,
      clock,
      signal: stop.signal,
      redactor,
      onUpdate: (r) => printNew(r, seen, io, output === 'json'),
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (!isCompleted(run.phase)) {
    write(io.stderr, `interrupted: ${label} is ${run.phase}`);
    return 'aborted';
  }
  const why = run.phase === 'Successful' ? run.message ?? 'every metric passed' : redactor.text(explainRun(run, metrics));
  if (output === 'json') write(io.stdout, JSON.stringify({ type: 'result', template: label, phase: run.phase, message: why, run }));
  write(output === 'json' ? io.stderr : io.stdout, `${run.phase === 'Successful' ? io.palette.green('✔') : io.palette.red('✖')} ${label}: ${run.phase}${run.phase === 'Successful' ? '' : `: ${why}`}`);
  switch (run.phase) {
    case 'Successful':
      return 'ok';
    case 'Inconclusive':
      return 'paused';
    case 'Failed':
    case 'Error':
      return 'rolledBack';
    case 'Pending':
    case 'Running':
      return 'aborted';
    default:
      return assertNever(run.phase, 'analysis phase');
  }
}

function pickTemplate(templates: readonly AnalysisTemplateSpec[], name: string | undefined): AnalysisTemplateSpec {
  if (name) {
    const t = templates.find((x) => x.name === name);
    if (!t) throw new UsageError(`no AnalysisTemplate or ClusterAnalysisTemplate "${name}" in the files`, { hint: `templates found: ${templates.map((x) => x.name).join(', ') || 'none'}` });
    return t;
  }
  if (templates.length === 1) return templates[0]!;
  if (templates.length === 0) throw new UsageError('no AnalysisTemplate in the files', { hint: 'pass the template manifest' });
  throw new UsageError(`${templates.length} templates in the files (${templates.map((t) => t.name).join(', ')}): say which with --template`);
}

/** The cluster is optional here: without a kubeconfig, analysis still runs against reachable addresses. */
async function tryConnect(inv: Invocation, io: Io, clock: typeof systemClock): Promise<Cluster | null> {
  try {
    return await connectFrom(inv, io, clock);
  } catch (err) {
    if (inv.global.kubeconfig || inv.global.context || !(err instanceof CanaryError)) throw err;
    return null;
  }
}

function describeMetric(m: ResolvedMetric, flags: AnalyzeFlags, io: Io): string {
  const s = m.spec;
  const timing = [s.intervalMs !== null ? `every ${formatDuration(s.intervalMs)}` : 'once', s.count !== null ? `count ${s.count}` : null, s.initialDelayMs ? `after ${formatDuration(s.initialDelayMs)}` : null].filter(Boolean).join(', ');
  const conditions = [s.successCondition ? `success: ${s.successCondition}` : null, s.failureCondition ? `failure: ${s.failureCondition}` : null].filter(Boolean).join('; ');
  const verdict = providerDecides(s.provider) ?? (conditions || 'no conditions (always Successful)');
  return `${s.name}${m.dryRun ? ' (dry-run)' : ''}: ${describeProvider(s.provider, providerOptions(flags, io)).trimEnd()}\n  ${timing}; ${verdict}; failureLimit ${s.failureLimit}, consecutiveErrorLimit ${s.consecutiveErrorLimit}`;
}

function printNew(run: AnalysisRun, seen: Map<string, number>, io: Io, json: boolean): void {
  for (const r of run.metrics) {
    const finished = r.successful + r.failed + r.inconclusive + r.error;
    if ((seen.get(r.name) ?? 0) >= finished) continue;
    seen.set(r.name, finished);
    const m = [...r.measurements].reverse().find((x) => x.phase !== 'Running');
    if (!m) continue;
    if (json) {
      write(io.stdout, JSON.stringify({ type: 'measurement', time: new Date(m.finishedAt ?? m.startedAt).toISOString(), metric: r.name, phase: m.phase, value: m.value, message: m.message, metadata: m.metadata }));
      continue;
    }
    const colour = m.phase === 'Successful' ? io.palette.green : m.phase === 'Failed' ? io.palette.red : io.palette.yellow;
    const why = m.phase !== 'Successful' && m.message ? `: ${m.message}` : '';
    write(io.stdout, `${new Date(m.finishedAt ?? m.startedAt).toISOString()} ${r.name} ${colour(m.phase)} ${m.value ?? ''} (✔${r.successful} ✖${r.failed} ?${r.inconclusive} ⚠${r.error})${why}`);
  }
}
