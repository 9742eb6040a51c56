/**
 * Everything `canary run` checks before its first write, as data (`run --dry-run` renders it):
 * the cluster answers, the routing API is served, every permission canary uses is granted (one
 * list of what is missing), the route and Deployments are canary's or absent, the Services exist
 * with ports, the Lease is free or stale, and (preflightRun) every metric provider endpoint the
 * analyses will use answers its ping. Checks never write and never throw.
 */
import { hintCommand, type HintTarget } from '../util/hint.js';
import type { Lock, TrafficRouter } from '../engine/ports.js';
import type { KubeClient, KubeObject } from '../kube/client.js';
import { describePermission, requiredPermissions, type Permission, type PermissionInputs } from '../kube/permissions.js';
import { SelfSubjectAccessReviews, Services } from '../kube/resources.js';
import { inClusterTarget } from '../kube/service-proxy.js';
import { hasExperiments, trackServices } from '../manifests/strategy.js';
import type { ResolvedRollout, RolloutSpec, SpecSet } from '../manifests/types.js';
import type { MetricProviders } from '../providers/registry.js';
import { routeOf } from '../routing/registry.js';
import { messageOf, UnreachableError } from '../util/errors.js';
import type { Cluster } from './cluster.js';

export interface PreflightCheck {
  name: string;
  ok: boolean;
  message: string;
  hint?: string;
}

export interface PreflightInput {
  client: KubeClient;
  namespace: string;
  rollout: RolloutSpec;
  router: TrafficRouter | null;
  /** The Workloads adapter's ownership/selector check. */
  workloads: { check(): Promise<void> };
  lock: Lock;
  permissions: Omit<PermissionInputs, 'namespace' | 'routing'>;
  /** Services the manifests provide and `--apply-services` will create. */
  servicesToApply?: readonly string[];
  /** Checks run by the caller (e.g. Prometheus `ping`): resolve with a message, reject with the failure. */
  probes?: readonly { name: string; run: () => Promise<string> }[];
}

export async function preflight(input: PreflightInput): Promise<PreflightCheck[]> {
  const cluster = await check('cluster', async () => {
    const v = await input.client.getPath<{ gitVersion?: string }>('/version');
    return `Kubernetes ${v?.gitVersion ?? '(version unknown)'} at ${input.client.server}`;
  });
  if (!cluster.ok) return [cluster];
  const route = routeOf(input.rollout, input.namespace);
  const api = await check('routing API', () => route.checkApi(input.client));
  const checks: PreflightCheck[] = [
    cluster,
    api,
    await permissions(input.client, requiredPermissions({ ...input.permissions, namespace: input.namespace, routing: route.permissions() })),
  ];
  if (input.router && api.ok) {
    const router = input.router;
    checks.push(await check('route', async () => (await router.check(), `${router.describe()}: absent (canary creates it) or usable`)));
  }
  checks.push(await check('deployments', async () => (await input.workloads.check(), `${input.rollout.name}-stable and ${input.rollout.name}-canary: absent or managed by canary`)));
  checks.push(...(await services(input)));
  checks.push(await check('lock', () => lease(input.lock, input.client.clock.now(), { name: input.rollout.name, namespace: input.namespace })));
  for (const p of input.probes ?? []) checks.push(await check(p.name, p.run));
  return checks;
}

export interface RunPreflightInput {
  cluster: Cluster;
  spec: SpecSet;
  /** The Rollout with its namespace resolved (and its workloadRef's template read). */
  rollout: ResolvedRollout;
  namespace: string;
  providers: MetricProviders;
  adopt: boolean;
  applyServices: boolean;
}

/** The checks of `canary run`: its adapters, the permissions its analyses need, and a ping of every provider endpoint. */
export async function preflightRun(p: RunPreflightInput): Promise<PreflightCheck[]> {
  const { cluster, spec, rollout, namespace, providers } = p;
  const metrics = spec.templates.flatMap((t) => t.metrics.map((m) => m.provider));
  const secretNamespaces = spec.templates.some((t) => t.args.some((a) => a.source.kind === 'secretKeyRef')) ? [namespace] : [];
  const proxyNamespaces = [...new Set(providers.endpoints(metrics).map((e) => { const url = urlOrNull(e); return url && inClusterTarget(url)?.namespace; }).filter((x): x is string => !!x))];
  return preflight({
    client: cluster.client,
    namespace,
    rollout,
    router: cluster.router(rollout, namespace, { adopt: p.adopt }),
    workloads: cluster.workloads(rollout, namespace, { adopt: p.adopt }),
    lock: cluster.lock(rollout.name, namespace),
    permissions: { applyServices: p.applyServices, experiments: hasExperiments(rollout.strategy), secretNamespaces, proxyNamespaces, providers: providers.permissions(metrics, namespace) },
    ...(p.applyServices ? { servicesToApply: spec.services.map((s) => s.name) } : {}),
    probes: providers.probes(metrics).map((probe) => ({
      name: probe.name,
      run: async () => {
        const r = await probe.run(AbortSignal.timeout(15_000));
        if (!r.ok) throw new UnreachableError(r.message, { hint: r.hint });
        return r.message;
      },
    })),
  });
}

/** A provider endpoint that is an address (some name a Secret or the AWS chain instead). */
function urlOrNull(endpoint: string): URL | null {
  try {
    return new URL(endpoint);
  } catch {
    return null;
  }
}

async function check(name: string, run: () => Promise<string>): Promise<PreflightCheck> {
  try {
    return { name, ok: true, message: await run() };
  } catch (err) {
    const hint = (err as { hint?: unknown } | null)?.hint;
    return { name, ok: false, message: messageOf(err), ...(typeof hint === 'string' && hint ? { hint } : {}) };
  }
}

/** A failed check with what to do next; preflight results are data, not exit kinds. */
class Failed extends Error {
  constructor(message: string, readonly hint: string) {
    super(message);
  }
}

async function permissions(client: KubeClient, wanted: Permission[]): Promise<PreflightCheck> {
  try {
    const allowed = await mapLimited(wanted, 8, (p) => allowedTo(client, p));
    const missing = wanted.filter((_, i) => !allowed[i]);
    if (missing.length === 0) return { name: 'permissions', ok: true, message: `all ${wanted.length} permissions canary uses are granted` };
    return {
      name: 'permissions',
      ok: false,
      message: `missing ${missing.length} of ${wanted.length} permissions: ${missing.map(describePermission).join(', ')}`,
      hint: 'grant them with a Role like examples/rbac.yaml (kubectl apply -f examples/rbac.yaml, namespaces adapted)',
    };
  } catch (err) {
    return { name: 'permissions', ok: false, message: `cannot review permissions: ${messageOf(err)}` };
  }
}

async function allowedTo(client: KubeClient, p: Permission): Promise<boolean> {
  const review = await client.create<{ status?: { allowed?: boolean } }>(SelfSubjectAccessReviews, null, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { namespace: p.namespace, verb: p.verb, group: p.group, resource: p.resource, ...(p.subresource ? { subresource: p.subresource } : {}) } },
  });
  return review.status?.allowed === true;
}

async function services(input: PreflightInput): Promise<PreflightCheck[]> {
  const tracks = trackServices(input.rollout.strategy);
  const names = [...new Set([tracks.stable, tracks.canary, ...routeOf(input.rollout, input.namespace).services()].filter((n): n is string => !!n))];
  return Promise.all(
    names.map((name) =>
      check(`service ${name}`, async () => {
        const svc = await input.client.tryGet<KubeObject & { spec?: { ports?: unknown[] } }>(Services, input.namespace, name);
        if (!svc) {
          if (input.servicesToApply?.includes(name)) return `Service ${input.namespace}/${name}: absent, --apply-services creates it`;
          throw new Failed(`Service ${input.namespace}/${name} not found`, 'create it, or pass --apply-services with its manifest');
        }
        if (!svc.spec?.ports?.length) throw new Failed(`Service ${input.namespace}/${name} has no ports`, 'give it the port your pods serve on');
        return `Service ${input.namespace}/${name}: ${svc.spec.ports.length} port(s)`;
      }),
    ),
  );
}

async function lease(lock: Lock, now: number, t: HintTarget): Promise<string> {
  const holder = await lock.holder();
  if (!holder) return 'free';
  const ago = holder.renewedAt === null ? 'never renewed' : `renewed ${Math.max(0, Math.round((now - holder.renewedAt) / 1000))}s ago`;
  if (holder.renewedAt === null || now - holder.renewedAt > holder.durationMs) return `held by ${holder.identity} (${ago}): stale, canary takes it over`;
  if (holder.identity === lock.identity) return 'held by this runner';
  throw new Failed(`held by ${holder.identity} (${ago})`, `another canary run drives this rollout: follow it with ${hintCommand('status', t, '--watch')}, or stop it with ${hintCommand('abort', t)}`);
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
