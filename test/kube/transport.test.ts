/**
 * src/kube/transport.ts keeps one connection pool per TLS identity: requests with the same CA,
 * certificate and key share kept-alive connections, whether the credentials hand over the same
 * buffers or new ones with the same bytes (kubeconfig-data decodes them at every request), and a
 * changed identity (a rotated CA) gets connections of its own, verified with the new CA.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RequestOptions } from 'node:https';
import { kubeTransport } from '../../src/kube/transport.js';
import { makeCerts, type Made } from './tls/certs.js';
import { SPECS } from './tls/cases.js';

let certs: Record<string, Made>;
let server: Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  certs = await makeCerts({ ca: SPECS['ca']!, otherCa: SPECS['otherCa']!, serving: SPECS['serving']! });
  server = createServer({ key: certs['serving']!.keyPem, cert: certs['serving']!.certPem }, (_req, res) => res.end('{}'));
  server.on('secureConnection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
}, 60_000);
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

it('one connection for an identity given as new buffers with the same bytes; a changed CA verifies the next connection', async () => {
  let ca = certs['ca']!.certPem;
  const transport = kubeTransport({
    getCurrentCluster: () => ({ server: `https://127.0.0.1:${port}` }),
    applyToHTTPSOptions: async (o: RequestOptions) => {
      // A new Buffer at every request, as kubeconfig-data decodes certificate-authority-data.
      o.ca = Buffer.from(ca);
    },
  });
  const get = () => transport.send({ method: 'GET', path: '/api' }, new AbortController().signal);
  const before = connections;
  for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
  expect(connections - before).toBe(1);
  // Another CA, which did not issue the server's certificate: the kept connection is not used, the
  // new one is refused.
  ca = certs['otherCa']!.certPem;
  await expect(get()).rejects.toThrow(/certificate/);
  ca = certs['ca']!.certPem;
  expect((await get()).status).toBe(200);
  expect(connections - before).toBe(1);
});
