/**
 * `canary run FILES...`: validate, preflight, take the Lease, then drive the rollout in the
 * foreground until it is promoted or rolled back. The exit code is the verdict.
 */
import { resolve } from 'node:path';
import type { Outcome } from '../contract/outcome.js';
import { write, type Io } from '../contract/io.js';
import { parseDurationOption, parseOutput, parsePairs } from '../contract/options.js';
import type { Invocation } from '../contract/verb.js';
import { withImages } from '../engine/revision.js';
import { parseTimeScale } from '../engine/time-scale.js';
import { loadSpec } from '../manifests/index.js';
import { experimentWeightsRule } from '../routing/experiment-weights.js';
import { routeStepsRule } from '../routing/managed-routes.js';
import { formatIssue } from '../manifests/issues.js';
import { manifestsOf } from '../manifests/stored.js';
import { mapAnalysisRefs } from '../manifests/strategy.js';
import type { JsonObject, ResolvedRollout, RolloutArg, RolloutSpec, SpecSet } from '../manifests/types.js';
import { renderPreflight } from '../output/plan.js';
import { systemClock } from '../util/clock.js';
import { UnreachableError, UsageError } from '../util/errors.js';
import type { Cluster } from '../wiring/cluster.js';
import { applyServices } from '../wiring/services.js';
import { resolveWorkload } from '../wiring/workload-ref.js';
import { connectFrom } from './connect.js';
import { dryRun } from './dry-run.js';
import { buildProvider, type ProviderFlags } from './providers.js';
import { parseNotifyFlags } from './notifications.js';
import { reportFormat, type ReportFile } from '../output/report.js';
import { runInForeground } from './runner.js';

interface RunFlags extends ProviderFlags {
  recursive?: boolean;
  image: string[];
  dryRun?: boolean;
  timeout?: string;
  onInterrupt: 'rollback' | 'leave';
  exitOnPause?: boolean;
  timeScale?: string;
  applyServices?: boolean;
  adopt?: boolean;
  arg: string[];
  output?: string;
  scaleDown?: 'wait' | 'leave';
  notify?: string[];
  report?: string;
}

export default async function run(inv: Invocation, io: Io): Promise<Outcome> {
  const flags = inv.options as unknown as RunFlags;
  const output = parseOutput(flags.output, ['text', 'json']) as 'text' | 'json';
  const timeScale = parseTimeScale(flags.timeScale);
  const timeoutMs = parseDurationOption('--timeout', flags.timeout) ?? null;
  const images = parsePairs('--image', flags.image);
  const argOverrides = parsePairs('--arg', flags.arg);
  const notify = parseNotifyFlags(flags.notify);
  const report = parseReportOption(flags.report, io.cwd);
  const clock = systemClock;

  const { spec, rollout: written } = await readSpec(inv, io, flags);
  const cluster = await connectFrom(inv, io, clock);
  const namespace = namespaceOf(written, cluster, inv.global.namespace);
  const rollout: ResolvedRollout = await resolveWorkload(cluster.client, withArgs({ ...written, namespace }, argOverrides), namespace);
  const { template, unknown } = withImages(rollout.template, images);
  if (unknown.length) {
    const names = containerNames(rollout.template);
    throw new UsageError(`--image ${unknown.join(', ')}: Rollout ${rollout.name} has no container of that name`, { hint: `its containers: ${names.join(', ')}` });
  }
  const serviceProxy = await cluster.serviceProxy();
  const provider = buildProvider(flags, io, clock, { cluster, serviceProxy, namespace, owner: rollout.name });

  if (flags.applyServices) for (const line of await applyServices(cluster, spec.services, namespace, flags.dryRun ?? false)) write(io.stdout, line);
  const { preflightRun } = await import('../wiring/preflight.js');
  const checks = await preflightRun({ cluster, spec, rollout, namespace, providers: provider, adopt: flags.adopt ?? false, applyServices: flags.applyServices ?? false });

  if (flags.dryRun) return dryRun({ io, cluster, spec, rollout, template: template as JsonObject, timeScale, provider, checks });

  const failed = checks.filter((c) => !c.ok && c.name !== 'lock');
  if (failed.length) {
    write(io.stderr, renderPreflight(checks, io.errPalette));
    throw new UnreachableError(`preflight failed for Rollout ${namespace}/${rollout.name}: ${failed.map((c) => c.name).join(', ')}`, { hint: failed[0]!.hint ?? 'fix the checks marked ✖ above, then run again' });
  }

  return runInForeground({
    io,
    clock,
    cluster,
    namespace,
    spec,
    rollout,
    template: template as JsonObject,
    manifests: manifestsOf(rollout, template as JsonObject, spec.templates, spec.services),
    provider,
    output,
    timeScale,
    exitOnPause: flags.exitOnPause ?? false,
    timeoutMs,
    onInterrupt: flags.onInterrupt ?? 'rollback',
    adopt: flags.adopt ?? false,
    retry: false,
    hint: { name: rollout.name, namespace, context: inv.global.context ?? null },
    leaveScaleDown: flags.scaleDown === 'leave',
    notify,
    ...(report ? { report } : {}),
  });
}

async function readSpec(inv: Invocation, io: Io, flags: RunFlags): Promise<{ spec: SpecSet; rollout: RolloutSpec }> {
  const result = await loadSpec(
    inv.args,
    { namespace: inv.global.namespace ?? null, prometheusAddress: flags.prometheusAddress ?? io.env.ARGO_ROLLOUTS_PROMETHEUS_ADDRESS ?? null },
    { recursive: Boolean(flags.recursive), cwd: io.cwd, rules: [routeStepsRule, experimentWeightsRule] },
  );
  const errors = result.issues.filter((i) => i.severity === 'error');
  for (const w of result.issues.filter((i) => i.severity === 'warning')) write(io.stderr, io.errPalette.yellow(`warning: ${formatIssue(w)}`));
  if (errors.length) {
    for (const e of errors) write(io.stderr, formatIssue(e));
    throw new UsageError(`the manifests have ${errors.length} problem${errors.length === 1 ? '' : 's'}: nothing was changed in the cluster`, { hint: `fix them (\`canary lint ${inv.args.join(' ')}\` shows the same list)` });
  }
  const rollouts = result.spec.rollouts;
  if (rollouts.length !== 1) {
    throw new UsageError(
      rollouts.length === 0 ? `no Rollout in ${inv.args.join(', ')}: canary run needs an argoproj.io/v1alpha1 Rollout` : `${rollouts.length} Rollouts in the files (${rollouts.map((r) => r.name).join(', ')}): canary run drives one at a time`,
      { hint: rollouts.length ? 'pass the files of one Rollout (and its templates)' : 'add the Rollout manifest to the command line' },
    );
  }
  return { spec: result.spec, rollout: rollouts[0]! };
}

/** `--report FILE.md|.html`, resolved against the working directory; another extension is a usage error. */
function parseReportOption(value: string | undefined, cwd: string): ReportFile | null {
  if (value === undefined) return null;
  const format = reportFormat(value);
  if (!format) throw new UsageError(`--report ${value}: the file name says which format: .md (Markdown) or .html (a self-contained page)`, { hint: 'e.g. --report canary-report.html' });
  return { path: resolve(cwd, value), format };
}

function namespaceOf(rollout: RolloutSpec, cluster: Cluster, flag: string | undefined): string {
  if (flag && rollout.namespace && flag !== rollout.namespace) {
    throw new UsageError(`the Rollout's metadata.namespace is "${rollout.namespace}" but -n is "${flag}"`, { hint: `pass -n ${rollout.namespace}, or change metadata.namespace` });
  }
  return cluster.namespaceFor(rollout.namespace);
}

/** `--arg name=value` replaces (or adds) that arg in every analysis the Rollout references. */
function withArgs(rollout: RolloutSpec, pairs: [string, string][]): RolloutSpec {
  if (pairs.length === 0) return rollout;
  const override = (args: RolloutArg[]): RolloutArg[] => {
    const out = args.filter((a) => !pairs.some(([n]) => n === a.name));
    for (const [name, value] of pairs) out.push({ loc: { file: '--arg', line: 0, col: 0, path: name }, name, source: { kind: 'value', value } });
    return out;
  };
  return { ...rollout, strategy: mapAnalysisRefs(rollout.strategy, (ref) => ({ ...ref, args: override(ref.args) })) };
}

function containerNames(template: JsonObject): string[] {
  const spec = template.spec as { containers?: { name?: string }[] } | undefined;
  return (spec?.containers ?? []).map((c) => c.name ?? '');
}
