import { X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import https from 'node:https';
import { parse } from 'yaml';
import type { ApiServer } from '../index.js';
import { get, startSandbox } from './helpers.js';

function peerCertificate(server: ApiServer): Promise<X509Certificate> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: Number(port), ca: server.caPem!, servername: 'localhost' }, () => {
      const cert = new X509Certificate(socket.getPeerCertificate(true).raw);
      socket.destroy();
      resolve(cert);
    });
    socket.on('error', reject);
  });
}

describe('server start-up, TLS and kubeconfig', () => {
  it('serves HTTPS with an EC P-256 certificate for 127.0.0.1 and localhost, signed by the CA it reports', async () => {
    const server = await startSandbox();
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const cert = await peerCertificate(server);
      expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
      expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(cert.verify(new X509Certificate(server.caPem!).publicKey)).toBe(true);
      // A client that does not trust the CA cannot connect; the server keeps serving.
      await expect(
        new Promise((resolve, reject) => https.get(`${server.url}/healthz`, { agent: false }, resolve).on('error', reject)),
      ).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
      expect((await get(server, '/healthz')).text).toBe('ok');
    } finally {
      await server.close();
    }
  });

  it('writes a kubeconfig with the CA data, the token, and the requested context and namespace', async () => {
    const server = await startSandbox({ token: 'fixed-token' });
    try {
      const doc = parse(server.kubeconfig({ namespace: 'apps', contextName: 'ci' }));
      expect(doc).toMatchObject({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'canary-sandbox', cluster: { server: server.url, 'certificate-authority-data': Buffer.from(server.caPem!).toString('base64') } }],
        users: [{ name: 'canary-user', user: { token: 'fixed-token' } }],
        contexts: [{ name: 'ci', context: { cluster: 'canary-sandbox', user: 'canary-user', namespace: 'apps' } }],
        'current-context': 'ci',
      });
    } finally {
      await server.close();
    }
  });

  it('serves plain HTTP with tls off, or when openssl cannot be found', async () => {
    for (const options of [{ tls: 'off' as const }, { openssl: '/nonexistent/openssl' }]) {
      const server = await startSandbox(options);
      try {
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(server.caPem).toBeUndefined();
        expect(parse(server.kubeconfig()).clusters[0].cluster).toEqual({ server: server.url });
        expect((await get(server, '/api')).status).toBe(200);
      } finally {
        await server.close();
      }
    }
  });

  it('listens on the requested port and creates the namespaces of a new cluster', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const server = await startSandbox({ tls: 'off', port });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${port}`);
      const names = (await get(server, '/api/v1/namespaces')).json.items.map((n: { metadata: { name: string } }) => n.metadata.name);
      expect(names).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    } finally {
      await server.close();
      await server.close();
    }
  });
});
