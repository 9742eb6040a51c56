/**
 * The API server's service proxy. In-cluster addresses (`http://NAME.NS.svc[.cluster.local][:PORT]`)
 * do not resolve on a laptop or a CI runner, but the API server proxies HTTP to any Service, so a
 * kubeconfig is enough to reach Prometheus: the ServiceProxy port gives the URL and credentials
 * (metric providers use it), and kubeServiceProxy implements it from the kubeconfig: the API server
 * URL + the service proxy path, with the user's credentials (bearer token, client certificate,
 * basic auth, exec and auth-provider plugin tokens, all from client-node's applyToHTTPSOptions) and
 * the cluster's CA or insecure-skip-tls-verify. route() is synchronous, so credentials are resolved
 * up front and refreshed in the background once they are older than `refreshMs` (plugin tokens expire).
 */
import type { RequestOptions } from 'node:https';
import type { KubeCredentials } from './kubeconfig-data.js';
import type { Clock } from '../util/clock.js';
import { messageOf, UnreachableError } from '../util/errors.js';

export interface ServiceTarget {
  scheme: 'http' | 'https';
  namespace: string;
  service: string;
  port: number;
}

export interface ProxyRoute {
  /** Absolute URL ending in `.../services/[https:]NAME:PORT/proxy`; the service's own paths go after it. */
  baseUrl: string;
  /** Credentials for the API server (e.g. Authorization: Bearer ...). */
  headers: Record<string, string>;
  /** PEM: the API server's CA, and a client certificate and key when the kubeconfig uses one. */
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
}

export interface ServiceProxy {
  /** Base URL + auth to reach service NS/NAME:PORT through the API server. Pure: no request is made. */
  route(target: ServiceTarget): ProxyRoute;
}

/** `/api/v1/namespaces/NS/services/[https:]NAME:PORT/proxy`: append it to the API server's URL. */
export function serviceProxyPath(t: ServiceTarget): string {
  const scheme = t.scheme === 'https' ? 'https:' : '';
  return `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/services/${scheme}${encodeURIComponent(t.service)}:${t.port}/proxy`;
}

const IN_CLUSTER_HOST = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?\.?$/;

/** The Service an in-cluster URL names, or null when the host is not of the `NAME.NS.svc` form. */
export function inClusterTarget(url: URL): ServiceTarget | null {
  const m = IN_CLUSTER_HOST.exec(url.hostname.toLowerCase());
  if (!m || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port ? Number(url.port) : scheme === 'https' ? 443 : 80;
  return { scheme, namespace: m[3]!, service: m[1]!, port };
}

interface Credentials {
  headers: Record<string, string>;
  ca?: string;
  cert?: string;
  key?: string;
  insecure: boolean;
  at: number;
}

export interface ServiceProxyOptions {
  clock: Clock;
  /** Default 60 s. */
  refreshMs?: number;
}

export async function kubeServiceProxy(kc: KubeCredentials, options: ServiceProxyOptions): Promise<ServiceProxy> {
  const server = kc.getCurrentCluster()?.server?.replace(/\/+$/, '');
  if (!server) throw new UnreachableError('the kubeconfig has no current cluster to proxy through');
  const refreshMs = options.refreshMs ?? 60_000;
  let creds = await credentials(kc, options.clock);
  let refreshing = false;
  const refresh = () => {
    if (refreshing) return;
    refreshing = true;
    credentials(kc, options.clock)
      .then((c) => (creds = c))
      // The previous credentials stay in use; the request they fail will say why.
      .catch(() => undefined)
      .finally(() => (refreshing = false));
  };
  return {
    route(target: ServiceTarget): ProxyRoute {
      if (options.clock.now() - creds.at >= refreshMs) refresh();
      return {
        baseUrl: server + serviceProxyPath(target),
        headers: { ...creds.headers },
        ...(creds.ca ? { ca: creds.ca } : {}),
        ...(creds.cert ? { cert: creds.cert } : {}),
        ...(creds.key ? { key: creds.key } : {}),
        ...(creds.insecure ? { insecure: true } : {}),
      };
    },
  };
}

async function credentials(kc: KubeCredentials, clock: Clock): Promise<Credentials> {
  const opts: RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    throw new UnreachableError(`cannot get credentials for the Kubernetes API server: ${messageOf(err)}`, { cause: err });
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
  if (opts.auth) headers['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return {
    headers,
    ...pem('ca', opts.ca),
    ...pem('cert', opts.cert),
    ...pem('key', opts.key),
    insecure: opts.rejectUnauthorized === false,
    at: clock.now(),
  };
}

function pem<K extends 'ca' | 'cert' | 'key'>(k: K, v: unknown): Partial<Record<K, string>> {
  if (v === undefined || v === null) return {};
  const text = Array.isArray(v) ? v.map(String).join('\n') : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  return { [k]: text } as Partial<Record<K, string>>;
}
