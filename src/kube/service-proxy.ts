/**
 * The ServiceProxy port from the kubeconfig: the API server URL + the service proxy path, with the
 * user's credentials (bearer token, client certificate, basic auth, exec and auth-provider plugin
 * tokens, all from client-node's applyToHTTPSOptions) and the cluster's CA or
 * insecure-skip-tls-verify. route() is synchronous, so credentials are resolved up front and
 * refreshed in the background once they are older than `refreshMs` (plugin tokens expire).
 */
import type { RequestOptions } from 'node:https';
import type { KubeCredentials } from './kubeconfig-data.js';
import { serviceProxyPath, type ProxyRoute, type ServiceProxy, type ServiceTarget } from '../providers/service-proxy.js';
import type { Clock } from '../util/clock.js';
import { messageOf, UnreachableError } from '../util/errors.js';

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
