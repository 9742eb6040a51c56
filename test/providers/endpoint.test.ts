import { EndpointResolver } from '../../src/providers/endpoint.js';
import { inClusterTarget, serviceProxyPath, type ServiceProxy } from '../../src/kube/service-proxy.js';

const proxy: ServiceProxy = {
  route: (t) => ({ baseUrl: `https://10.0.0.1:6443${serviceProxyPath(t)}/`, headers: { Authorization: 'Bearer k' }, ca: 'CA' }),
};
const tls = { insecure: false };

describe('inClusterTarget', () => {
  it.each([
    ['http://prometheus-server.monitoring.svc.cluster.local:80', { scheme: 'http', namespace: 'monitoring', service: 'prometheus-server', port: 80 }],
    ['http://prometheus.monitoring.svc', { scheme: 'http', namespace: 'monitoring', service: 'prometheus', port: 80 }],
    ['https://thanos.obs.svc:10902/x', { scheme: 'https', namespace: 'obs', service: 'thanos', port: 10902 }],
    ['https://thanos.obs.svc', { scheme: 'https', namespace: 'obs', service: 'thanos', port: 443 }],
  ])('%s', (url, target) => {
    expect(inClusterTarget(new URL(url))).toEqual(target);
  });

  it.each(['http://127.0.0.1:9090', 'http://prometheus:9090', 'http://a.b.c.svc:80', 'http://prometheus.example.com'])('%s is not in-cluster', (url) => {
    expect(inClusterTarget(new URL(url))).toBeNull();
  });
});

describe('EndpointResolver', () => {
  const url = new URL('http://prometheus.monitoring.svc:9090/prefix');

  it('goes direct in auto mode when the in-cluster name resolves (running inside the cluster), asking DNS once', async () => {
    let lookups = 0;
    const r = new EndpointResolver({ serviceProxy: proxy, resolvesHost: async () => (lookups++, true) });
    const a = await r.resolve(url, tls, 'Prometheus x');
    await r.resolve(url, tls, 'Prometheus x');
    expect(a).toEqual({ ok: true, endpoint: { baseUrl: 'http://prometheus.monitoring.svc:9090', headers: {}, tls, proxied: false } });
    expect(lookups).toBe(1);
  });

  it('goes through the proxy in auto mode when the name does not resolve, with the route\'s TLS and auth', async () => {
    const r = new EndpointResolver({ serviceProxy: proxy, resolvesHost: async () => false });
    expect(await r.resolve(url, tls, 'Prometheus x')).toEqual({
      ok: true,
      endpoint: {
        baseUrl: 'https://10.0.0.1:6443/api/v1/namespaces/monitoring/services/prometheus:9090/proxy',
        headers: { Authorization: 'Bearer k' },
        tls: { insecure: false, ca: 'CA', cert: undefined, key: undefined },
        proxied: true,
      },
    });
  });

  it('never asks DNS or the proxy in direct mode, and refuses proxy mode for an address outside the cluster', async () => {
    const direct = new EndpointResolver({ via: 'direct', resolvesHost: () => Promise.reject(new Error('must not be called')) });
    expect((await direct.resolve(url, tls, 'P')).ok).toBe(true);
    const forced = new EndpointResolver({ via: 'proxy', serviceProxy: proxy });
    expect(await forced.resolve(new URL('http://127.0.0.1:9090'), tls, 'Prometheus http://127.0.0.1:9090')).toEqual({
      ok: false,
      message: 'Prometheus http://127.0.0.1:9090: the service proxy needs an in-cluster address such as http://NAME.NAMESPACE.svc:PORT',
    });
  });
});
