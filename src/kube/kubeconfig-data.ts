/**
 * kubeconfig files read and applied without loading @kubernetes/client-node: importing it costs
 * about 0.9 s of start-up and 70 MB of memory in every process (docs/benchmarks.md), which is most of
 * what `canary status` or `canary abort` take. Parsing, validation, paths and the TLS and header
 * options follow client-node's KubeConfig (config.ts, config_types.ts) with the same data shapes,
 * so everything downstream is unchanged. Credentials that need its machinery (exec and
 * auth-provider plugins other than a token file, proxy-url) are handed to a real KubeConfig,
 * imported on first use.
 */
import { readFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import path from 'node:path';
import type { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { readYamlSubset } from '../util/yaml-subset.js';

/** What the transport and the service proxy need from a kubeconfig (client-node's KubeConfig has it too). */
export interface KubeCredentials {
  getCurrentCluster(): Pick<Cluster, 'server'> & { proxyUrl?: string } | null;
  applyToHTTPSOptions(opts: RequestOptions): Promise<void>;
}

type Entry = Record<string, unknown> | null | undefined;

/** A token file (the in-cluster service account's projected token) is re-read at most once a minute, as client-go does. */
const TOKEN_FILE_TTL_MS = 60_000;

export class KubeconfigData implements KubeCredentials {
  private clusters: Cluster[] = [];
  private users: User[] = [];
  private contexts: Context[] = [];
  private currentContext = '';
  private delegate: Promise<KubeConfig> | null = null;
  private fileToken: { path: string; token: string; at: number } | null = null;

  loadFromFile(file: string): void {
    const root = path.dirname(file);
    this.loadFromString(readFileSync(file).toString('utf-8'));
    for (const c of this.clusters) if (c.caFile) (c as { caFile?: string }).caFile = absolute(root, c.caFile);
    for (const u of this.users) {
      if (u.certFile) (u as { certFile?: string }).certFile = absolute(root, u.certFile);
      if (u.keyFile) (u as { keyFile?: string }).keyFile = absolute(root, u.keyFile);
    }
  }

  /** client-node's loadFromString: every entry validated, the first invalid one is an error naming it. */
  loadFromString(text: string): void {
    // The YAML kubectl writes is read without the YAML library's parser, which costs a one-shot command
    // ~8 ms to run cold; anything else, several documents included, goes to the library (util/yaml-subset.ts).
    const subset = readYamlSubset(text);
    const obj = ((subset?.length === 1 ? subset[0] : parse(text)) ?? {}) as Record<string, unknown>;
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new Error('the kubeconfig is not a mapping');
    this.clusters = list(obj['clusters']).map(clusterOf);
    this.contexts = list(obj['contexts']).map(contextOf);
    this.users = list(obj['users']).map(userOf);
    this.currentContext = typeof obj['current-context'] === 'string' ? obj['current-context'] : '';
    this.delegate = null;
  }

  loadFromOptions(o: { clusters: Cluster[]; users: User[]; contexts: Context[]; currentContext: string }): void {
    this.clusters = o.clusters;
    this.users = o.users;
    this.contexts = o.contexts;
    this.currentContext = o.currentContext;
    this.delegate = null;
  }

  getClusters(): Cluster[] {
    return this.clusters;
  }

  getUsers(): User[] {
    return this.users;
  }

  getContexts(): Context[] {
    return this.contexts;
  }

  getCurrentContext(): string {
    return this.currentContext;
  }

  setCurrentContext(name: string): void {
    this.currentContext = name;
    this.delegate = null;
  }

  getContextObject(name: string): Context | null {
    return this.contexts.find((c) => c.name === name) ?? null;
  }

  getCluster(name: string): Cluster | null {
    return this.clusters.find((c) => c.name === name) ?? null;
  }

  getUser(name: string | undefined): User | null {
    return this.users.find((u) => u.name === name) ?? null;
  }

  getCurrentCluster(): Cluster | null {
    const ctx = this.getContextObject(this.currentContext);
    return ctx ? this.getCluster(ctx.cluster) : null;
  }

  getCurrentUser(): User | null {
    const ctx = this.getContextObject(this.currentContext);
    return ctx ? this.getUser(ctx.user) : null;
  }

  /** Whether client-node has to apply the credentials (plugins, proxies). */
  needsClientNode(): boolean {
    const user = this.getCurrentUser();
    const provider = user?.authProvider as { name?: string; config?: Record<string, string> } | undefined;
    const tokenFileOnly = !!provider?.config?.['tokenFile'];
    return !!this.getCurrentCluster()?.proxyUrl || !!user?.exec || (!!provider && !tokenFileOnly);
  }

  /** TLS options, headers and basic auth for one request, as client-node's applyToHTTPSOptions sets them. */
  async applyToHTTPSOptions(opts: RequestOptions): Promise<void> {
    if (this.needsClientNode()) {
      this.delegate ??= import('@kubernetes/client-node').then(({ KubeConfig }) => {
        const kc = new KubeConfig();
        kc.loadFromOptions({ clusters: this.clusters, users: this.users, contexts: this.contexts, currentContext: this.currentContext });
        return kc;
      });
      return (await this.delegate).applyToHTTPSOptions(opts);
    }
    const cluster = this.getCurrentCluster();
    const user = this.getCurrentUser();
    if (!user) return;
    if (cluster?.skipTLSVerify) opts.rejectUnauthorized = false;
    if (cluster?.tlsServerName) opts.servername = cluster.tlsServerName;
    const ca = cluster ? bytes(cluster.caFile, cluster.caData) : null;
    if (ca) opts.ca = ca;
    const cert = bytes(user.certFile, user.certData);
    if (cert) opts.cert = cert;
    const key = bytes(user.keyFile, user.keyData);
    if (key) opts.key = key;
    const headers = (opts.headers ??= {}) as Record<string, string | string[] | number | undefined>;
    if (user.impersonateUser != null) headers['Impersonate-User'] = user.impersonateUser;
    const tokenFile = (user.authProvider as { config?: Record<string, string> } | undefined)?.config?.['tokenFile'];
    if (tokenFile) {
      const token = this.readTokenFile(tokenFile);
      if (token) headers['Authorization'] = `Bearer ${token}`;
    }
    if (user.token) headers['Authorization'] = `Bearer ${user.token}`;
    if (user.username) opts.auth = `${user.username}:${user.password}`;
  }

  private readTokenFile(file: string): string {
    const now = Date.now();
    if (!this.fileToken || this.fileToken.path !== file || now - this.fileToken.at > TOKEN_FILE_TTL_MS) {
      this.fileToken = { path: file, token: readFileSync(file).toString('utf-8'), at: now };
    }
    return this.fileToken.token;
  }
}

function absolute(root: string, file: string): string {
  return !root || path.isAbsolute(file) ? file : path.join(root, file);
}

function list(v: unknown): Entry[] {
  return Array.isArray(v) ? (v as Entry[]) : [];
}

function field(e: Entry, k: string): Record<string, unknown> | undefined {
  const v = e?.[k];
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
}

function str(o: Record<string, unknown> | undefined, k: string): string | undefined {
  const v = o?.[k];
  return v === undefined || v === null ? undefined : String(v);
}

function clusterOf(e: Entry, i: number): Cluster {
  if (!e?.['name']) throw new Error(`clusters[${i}].name is missing`);
  const c = field(e, 'cluster');
  if (!c) throw new Error(`clusters[${i}].cluster is missing`);
  if (!c['server']) throw new Error(`clusters[${i}].cluster.server is missing`);
  return {
    caData: str(c, 'certificate-authority-data'),
    caFile: str(c, 'certificate-authority'),
    name: String(e['name']),
    server: String(c['server']).replace(/\/$/, ''),
    skipTLSVerify: c['insecure-skip-tls-verify'] === true,
    tlsServerName: str(c, 'tls-server-name'),
    proxyUrl: str(c, 'proxy-url'),
  } as Cluster;
}

function userOf(e: Entry, i: number): User {
  if (!e?.['name']) throw new Error(`users[${i}].name is missing`);
  const u = field(e, 'user');
  // Raw values, null without a `user` mapping: exactly client-node's userIterator.
  const raw = (k: string) => (u ? u[k] : null);
  const tokenFile = u?.['token-file'];
  return {
    authProvider: raw('auth-provider'),
    certData: raw('client-certificate-data'),
    certFile: raw('client-certificate'),
    exec: raw('exec'),
    keyData: raw('client-key-data'),
    keyFile: raw('client-key'),
    name: String(e['name']),
    token: u?.['token'] || (tokenFile ? readFileSync(String(tokenFile)).toString() : undefined),
    password: raw('password'),
    username: raw('username'),
    impersonateUser: raw('as'),
  } as User;
}

function contextOf(e: Entry, i: number): Context {
  if (!e?.['name']) throw new Error(`contexts[${i}].name is missing`);
  const c = field(e, 'context');
  if (!c) throw new Error(`contexts[${i}].context is missing`);
  if (!c['cluster']) throw new Error(`contexts[${i}].context.cluster is missing`);
  return {
    cluster: String(c['cluster']),
    name: String(e['name']),
    user: str(c, 'user') || undefined,
    namespace: str(c, 'namespace') || undefined,
  } as Context;
}

function bytes(file: string | undefined | null, data: string | undefined | null): Buffer | null {
  if (file) return readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return null;
}
