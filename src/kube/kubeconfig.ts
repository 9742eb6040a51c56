/**
 * Finding the cluster the way kubectl does: `--kubeconfig`, else `KUBECONFIG` (several files,
 * merged, the first to define a name wins), else `~/.kube/config`, else the in-cluster service
 * account. The context is validated before any client exists, and a missing configuration is an
 * error, never client-node's silent fallback to http://localhost:8080.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Cluster, Context, User } from '@kubernetes/client-node';
import { KubeconfigData } from './kubeconfig-data.js';
import { messageOf, UnreachableError, UsageError } from '../util/errors.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeconfigInputs {
  /** --kubeconfig */
  kubeconfig?: string;
  /** --context */
  context?: string;
  /** KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT; default process.env. */
  env?: NodeJS.ProcessEnv;
  serviceAccountDir?: string;
}

export interface LoadedKubeconfig {
  kc: KubeconfigData;
  context: string;
  /** The context's namespace; null when it sets none. */
  namespace: string | null;
  server: string;
  /** Where it came from, for messages: file paths or "in-cluster service account". */
  source: string;
}

export function loadKubeconfig(inputs: KubeconfigInputs = {}): LoadedKubeconfig {
  const env = inputs.env ?? process.env;
  const { kc, source } = findConfig(inputs, env);
  const contexts = kc.getContexts().map((c) => c.name);
  const known = contexts.length ? contexts.join(', ') : 'none';
  const name = inputs.context ?? kc.getCurrentContext();
  if (!name) throw new UsageError(`the kubeconfig (${source}) sets no current-context`, { hint: `pass --context (known contexts: ${known})` });
  const ctx = kc.getContextObject(name);
  if (!ctx) {
    const flag = inputs.context !== undefined ? `--context ${name}` : `current-context "${name}"`;
    throw new UsageError(`${flag}: no such context in the kubeconfig (${source})`, { hint: `known contexts: ${known}` });
  }
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) throw new UsageError(`context "${name}" names cluster "${ctx.cluster}", which the kubeconfig (${source}) does not define`);
  if (ctx.user && !kc.getUser(ctx.user)) throw new UsageError(`context "${name}" names user "${ctx.user}", which the kubeconfig (${source}) does not define`);
  kc.setCurrentContext(name);
  return { kc, context: name, namespace: ctx.namespace || null, server: cluster.server, source };
}

/** -n, else the Rollout's metadata.namespace, else the context's namespace, else `default`. */
export function resolveNamespace(sources: { flag?: string | null; rollout?: string | null; context?: string | null }): string {
  return sources.flag || sources.rollout || sources.context || 'default';
}

function findConfig(inputs: KubeconfigInputs, env: NodeJS.ProcessEnv): { kc: KubeconfigData; source: string } {
  if (inputs.kubeconfig !== undefined) {
    if (!existsSync(inputs.kubeconfig)) throw new UsageError(`--kubeconfig ${inputs.kubeconfig}: no such file`);
    return { kc: merged([inputs.kubeconfig]), source: inputs.kubeconfig };
  }
  const fromEnv = (env['KUBECONFIG'] ?? '').split(path.delimiter).filter(Boolean);
  if (fromEnv.length) {
    const present = fromEnv.filter((f) => existsSync(f));
    if (present.length) return { kc: merged(present), source: present.join(path.delimiter) };
  } else {
    const home = env['HOME'] || homedir();
    const file = path.join(home, '.kube', 'config');
    if (home && existsSync(file)) return { kc: merged([file]), source: file };
  }
  const inCluster = inClusterConfig(env, inputs.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  if (inCluster) return { kc: inCluster, source: 'in-cluster service account' };
  const looked = fromEnv.length ? `KUBECONFIG=${fromEnv.join(path.delimiter)} names no existing file` : 'no ~/.kube/config';
  throw new UnreachableError('no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or run inside a cluster', {
    hint: `${looked}, and this is not a pod with a service account`,
  });
}

/** kubectl's merge: each file's relative paths resolved against it; the first file to define a name wins. */
function merged(files: string[]): KubeconfigData {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let current = '';
  for (const file of files) {
    const one = new KubeconfigData();
    try {
      one.loadFromFile(file);
    } catch (err) {
      throw new UsageError(`kubeconfig ${file}: ${messageOf(err)}`, { cause: err, hint: 'check the file with: kubectl config view' });
    }
    for (const c of one.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, plainHttpAllowed(c));
    for (const u of one.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    current ||= one.getCurrentContext() ?? '';
  }
  const kc = new KubeconfigData();
  kc.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext: current });
  return kc;
}

/**
 * client-node refuses an http:// server unless insecure-skip-tls-verify is set, though there is no
 * TLS to verify (kubectl proxy, a local API server); kubectl accepts it, so canary does too.
 */
function plainHttpAllowed(c: Cluster): Cluster {
  return c.server.startsWith('http:') && !c.skipTLSVerify ? { ...c, skipTLSVerify: true } : c;
}

/** What client-node's loadFromCluster builds, from the given environment and service account folder. */
function inClusterConfig(env: NodeJS.ProcessEnv, dir: string): KubeconfigData | null {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  const tokenFile = path.join(dir, 'token');
  if (!host || !port || !existsSync(tokenFile)) return null;
  const scheme = port === '80' || port === '8080' || port === '8001' ? 'http' : 'https';
  const server = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const nsFile = path.join(dir, 'namespace');
  const namespace = existsSync(nsFile) ? readFileSync(nsFile, 'utf8').trim() : undefined;
  const kc = new KubeconfigData();
  kc.loadFromOptions({
    clusters: [plainHttpAllowed({ name: 'in-cluster', server, caFile: path.join(dir, 'ca.crt'), skipTLSVerify: false })],
    // client-node's file token provider re-reads the projected token (it rotates) every minute.
    users: [{ name: 'service-account', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'service-account', ...(namespace ? { namespace } : {}) }],
    currentContext: 'in-cluster',
  });
  return kc;
}
