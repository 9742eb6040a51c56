/**
 * `npm run sandbox`: a local cluster on loopback until Ctrl+C. Writes a kubeconfig, prints how to
 * point kubectl and canary at it, then prints `ready` once the API server, the mesh and Prometheus
 * all answer. SIGINT/SIGTERM shut it down cleanly; a second signal exits at once.
 */
import { mkdir } from 'node:fs/promises';
import https from 'node:https';
import { dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../src/util/duration.js';
import type { GatewayApiVersion, IstioVersion, ServedApis, SmiVersion, TraefikVersion } from './api/index.js';
import { GoNotInstalledError } from '../cluster/build.js';
import { startRealSandbox, type RealSandbox } from '../cluster/index.js';
import { sandboxCluster, type Cluster } from './cluster.js';
import { startSandbox, type Sandbox, type SandboxOptions } from './index.js';
import { PrometheusNotInstalledError } from './world/prometheus.js';
import { hasSeedWorld, SEED } from './world/scenario.js';

const USAGE = `usage: npm run sandbox -- [options]

  --control-plane sandbox|real
                            sandbox (default): the in-process API server and controllers;
                            real: Kubernetes' kube-apiserver, controller manager and etcd, built
                            with Go on first use (test/cluster/README.md); canary's kubeconfig
                            is then examples/rbac.yaml's ServiceAccount
  --scenario seed|blue-green|empty
                            seed (default): the seed article's namespaces, Services, client and load;
                            blue-green: the same plus examples/blue-green's preview Service
                            myapp-preview, which gets the same load
  --kubeconfig PATH         where to write the kubeconfig (default ./.sandbox/kubeconfig)
  --port N                  API server port (default: a free one)
  --rps N                   load rate from apps/dependant-api-service to apps/myapp (default 10)
  --path PATH               load request path (default /get)
  --tag H=V:SHARE           send a share (0-1) of the load with header H: V, e.g. X-Canary=yes:0.1
  --no-load                 no load generator
  --no-prometheus           no Prometheus (analysis queries will fail)
  --smi V[,V]               TrafficSplit versions served (default v1alpha1,v1alpha2; "none" to omit)
  --gateway-api V[,V]       HTTPRoute versions served (default v1,v1beta1; "none" to omit)
  --pod-start-delay D       pod creation to Ready, e.g. 1s or 200ms (default 200ms)
  --seed N                  seed of the world's random choices (default 42)
  -h, --help`;

class UsageError extends Error {}

type Options = SandboxOptions & { kubeconfigPath: string; controlPlane: 'sandbox' | 'real' };

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'control-plane': { type: 'string' },
      scenario: { type: 'string' },
      kubeconfig: { type: 'string' },
      port: { type: 'string' },
      rps: { type: 'string' },
      path: { type: 'string' },
      tag: { type: 'string' },
      'no-load': { type: 'boolean' },
      'no-prometheus': { type: 'boolean' },
      smi: { type: 'string' },
      'gateway-api': { type: 'string' },
      istio: { type: 'string' },
      traefik: { type: 'string' },
      'pod-start-delay': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    process.exit(0);
  }
  const controlPlane = values['control-plane'] ?? 'sandbox';
  if (controlPlane !== 'sandbox' && controlPlane !== 'real') throw new UsageError(`--control-plane must be sandbox or real, got ${JSON.stringify(controlPlane)}`);
  const scenario = values.scenario ?? 'seed';
  if (scenario !== 'seed' && scenario !== 'blue-green' && scenario !== 'empty') throw new UsageError(`--scenario must be seed, blue-green or empty, got ${JSON.stringify(scenario)}`);
  const int = (flag: string, v: string | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const port = int('--port', values.port, 0);
  const rps = values.rps === undefined ? undefined : Number(values.rps);
  if (rps !== undefined && !(rps > 0)) throw new UsageError(`--rps must be a number > 0, got ${JSON.stringify(values.rps)}`);
  const seed = int('--seed', values.seed, 0);
  let podStartDelayMs: number | undefined;
  if (values['pod-start-delay'] !== undefined) {
    const d = parseDuration(values['pod-start-delay']);
    if (!d.ok) throw new UsageError(`--pod-start-delay: ${d.message}`);
    podStartDelayMs = d.ms;
  }
  const apis: ServedApis = {
    smi: versions<SmiVersion>('--smi', values.smi, ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'], ['v1alpha1', 'v1alpha2']),
    gatewayApi: versions<GatewayApiVersion>('--gateway-api', values['gateway-api'], ['v1', 'v1beta1'], ['v1', 'v1beta1']),
    istio: versions<IstioVersion>('--istio', values.istio, ['v1', 'v1beta1', 'v1alpha3'], []),
    traefik: versions<TraefikVersion>('--traefik', values.traefik, ['v1alpha1'], []),
  };
  const tag = values.tag === undefined ? undefined : parseTag(values.tag);
  const load: SandboxOptions['load'] = values['no-load']
    ? false
    : hasSeedWorld(scenario) || rps !== undefined
      ? { rps: rps ?? 10, path: values.path ?? '/get', durationMs: 24 * 3_600_000, ...(tag ? { tag } : {}) }
      : false;
  if (controlPlane === 'real' && port !== undefined) throw new UsageError('--port applies to the in-process sandbox only (the real API server takes a free port)');
  return {
    controlPlane,
    scenario,
    apis,
    load,
    prometheus: !values['no-prometheus'],
    kubeconfigPath: resolve(values.kubeconfig ?? '.sandbox/kubeconfig'),
    ...(port !== undefined ? { port } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(podStartDelayMs !== undefined ? { podStartDelayMs } : {}),
  };
}

function versions<V extends string>(flag: string, value: string | undefined, known: readonly V[], dflt: V[]): V[] {
  if (value === undefined) return dflt;
  if (value === 'none') return [];
  const list = value.split(',').map((v) => v.trim());
  const unknown = list.filter((v) => !known.includes(v as V));
  if (unknown.length) throw new UsageError(`${flag}: unknown version ${unknown.join(', ')} (known: ${known.join(', ')}, or none)`);
  return list as V[];
}

function describe(cluster: Cluster, opts: Options): string {
  const rel = relative(process.cwd(), opts.kubeconfigPath);
  const shown = rel.startsWith('..') ? opts.kubeconfigPath : rel;
  const real = 'controlPlane' in cluster ? (cluster as RealSandbox) : undefined;
  const sb = 'sandbox' in cluster ? (cluster as { sandbox: Sandbox }).sandbox : undefined;
  const lines = [
    `canary sandbox (scenario ${opts.scenario}, control plane ${opts.controlPlane})`,
    real
      ? `  API server   ${real.controlPlane.url} (kube-apiserver ${real.controlPlane.version}, kube-controller-manager, etcd; Node,RBAC)`
      : `  API server   ${sb!.api.url} (bearer token in the kubeconfig)`,
    real ? `  kubeconfig   ${opts.kubeconfigPath} (ServiceAccount apps/canary, bound to examples/rbac.yaml)` : `  kubeconfig   ${opts.kubeconfigPath}`,
    ...(real ? [`  admin        ${real.adminKubeconfigPath} (system:masters)`] : []),
    `  mesh         ${cluster.world.meshServer.url}/metrics (Linkerd proxy metrics)`,
    cluster.prometheus
      ? `  Prometheus   ${cluster.prometheus.url} = http://${SEED.prometheusService}.${SEED.monitoring}.svc.cluster.local:${SEED.prometheusPort} through the service proxy`
      : '  Prometheus   off (--no-prometheus): analysis queries will fail',
    `  served APIs  TrafficSplit ${opts.apis?.smi?.join(', ') || 'none'}; HTTPRoute ${opts.apis?.gatewayApi?.join(', ') || 'none'}; VirtualService ${opts.apis?.istio?.join(', ') || 'none'}; TraefikService ${opts.apis?.traefik?.join(', ') || 'none'}`,
    cluster.load
      ? `  load         ${cluster.load.stats().rps} rps from ${SEED.namespace}/${SEED.client} to ${SEED.namespace}/${SEED.rootService}${opts.scenario === 'blue-green' ? ` and as many to ${SEED.namespace}/${SEED.previewService}` : ''}`
      : '  load         none',
    '',
    'Point kubectl and canary at it:',
    `  export KUBECONFIG=${shown}`,
    `  kubectl get deploy,pods,svc -n ${opts.scenario === 'empty' ? 'default' : SEED.namespace}`,
    ...(opts.scenario === 'seed'
      ? [
          '  canary run examples/seed/rollout.yaml examples/seed/analysis-template.yaml',
          '  canary run examples/seed/rollout.yaml examples/seed/analysis-template.yaml --image myapp=ghcr.io/mccutchen/go-httpbin:2.18   # a bad release',
        ]
      : []),
    ...(opts.scenario === 'blue-green'
      ? [
          '  canary run examples/blue-green/',
          '  canary run examples/blue-green/ --image myapp=ghcr.io/mccutchen/go-httpbin:2.18   # a bad release: prePromotionAnalysis rolls it back',
        ]
      : []),
    '',
    'Ctrl+C stops it.',
  ];
  return lines.join('\n') + '\n';
}

/** Resolves once every part of the sandbox answers over HTTP (the API server with canary's own credentials). */
async function answering(cluster: Cluster): Promise<void> {
  const real = 'controlPlane' in cluster ? (cluster as RealSandbox) : undefined;
  const sb = 'sandbox' in cluster ? (cluster as { sandbox: Sandbox }).sandbox : undefined;
  const checks = [
    fetchOk(`${cluster.world.meshServer.url}/metrics`),
    ...(cluster.prometheus ? [fetchOk(`${cluster.prometheus.url}/-/ready`)] : []),
    real
      ? httpsOk(`${real.controlPlane.url}/version`, real.controlPlane.pki.caPem, tokenOf(real.kubeconfig))
      : sb!.api.caPem
        ? httpsOk(`${sb!.api.url}/version`, sb!.api.caPem, sb!.api.token)
        : fetchOk(`${sb!.api.url}/version`, { authorization: `Bearer ${sb!.api.token}` }),
  ];
  await Promise.all(checks);
}

function tokenOf(kubeconfig: string): string {
  const m = /token: (\S+)/.exec(kubeconfig);
  if (!m) throw new Error('the ServiceAccount kubeconfig has no token');
  return m[1]!;
}

/** fetch() cannot be given a CA; the API server's certificate is signed by the sandbox's own. */
function httpsOk(url: string, ca: string, token: string): Promise<void> {
  return new Promise((resolveOk, reject) => {
    const req = https.get(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolveOk() : reject(new Error(`${url} answered ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`${url} did not answer within 10 s`)));
    req.on('error', reject);
  });
}

async function fetchOk(url: string, headers: Record<string, string> = {}): Promise<void> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 2;
  }
  await mkdir(dirname(opts.kubeconfigPath), { recursive: true });
  let sb: Cluster;
  try {
    if (opts.controlPlane === 'real') {
      const { controlPlane: _c, port: _p, ...rest } = opts;
      // The admin's kubeconfig beside canary's: kubectl get crd, nodes, ... (the ServiceAccount may not).
      sb = await startRealSandbox({ ...rest, adminKubeconfigPath: `${opts.kubeconfigPath}.admin`, log: (m) => process.stderr.write(`sandbox: ${m}\n`) });
    } else {
      sb = sandboxCluster(await startSandbox(opts));
    }
  } catch (err) {
    if (err instanceof PrometheusNotInstalledError) {
      process.stderr.write(`sandbox: ${err.message}\n(or start without it: npm run sandbox -- --no-prometheus)\n`);
      return 1;
    }
    if (err instanceof GoNotInstalledError) {
      process.stderr.write(`sandbox: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  process.stdout.write(describe(sb, opts));
  await answering(sb);
  process.stdout.write('ready\n');

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`sandbox: ${signal} again, exiting without cleanup\n`);
        process.exit(130);
      }
      stopping = true;
      process.stderr.write(`sandbox: ${signal}, shutting down\n`);
      sb.close().then(
        () => resolveExit(0),
        (err: unknown) => {
          process.stderr.write(`sandbox: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
          resolveExit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);

/** `--tag X-Canary=yes:0.1`: header name, value, and the share of requests that carry it. */
function parseTag(text: string): { header: string; value: string; share: number } {
  const m = /^([A-Za-z0-9-]+)=(.*):([0-9.]+)$/.exec(text);
  const share = m ? Number(m[3]) : NaN;
  if (!m || !(share >= 0 && share <= 1)) throw new UsageError(`--tag: expected HEADER=VALUE:SHARE with SHARE within 0-1, e.g. X-Canary=yes:0.1, got ${JSON.stringify(text)}`);
  return { header: m[1]!, value: m[2]!, share };
}
