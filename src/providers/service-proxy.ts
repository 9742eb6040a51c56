/**
 * In-cluster addresses (`http://NAME.NS.svc[.cluster.local][:PORT]`) do not resolve on a laptop or a
 * CI runner. The Kubernetes API server proxies HTTP to any Service, so a kubeconfig is enough to
 * reach Prometheus: this port gives the URL and credentials; src/kube implements it.
 */
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
