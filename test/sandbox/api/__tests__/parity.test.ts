/**
 * The sandbox half of the parity table (parity-cases.ts): the same requests, the answers
 * kube-apiserver v1.37.2 gives. The real half runs in `npm run test:k8s`.
 */
import https from 'node:https';
import { startSandbox, type Sandbox } from '../../index.js';
import { checkParity, PARITY_CASES } from './parity-cases.js';

describe('parity with kube-apiserver', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ scenario: 'seed', prometheus: false, load: false, log: () => undefined });
  });
  afterAll(async () => sb?.close());

  const send = (method: string, path: string, body: string | undefined, contentType: string) =>
    new Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      const req = https.request(new URL(path, sb.api.url), { method, ca: sb.api.caPem, headers: { authorization: `Bearer ${sb.api.token}`, accept: 'application/json', ...(body ? { 'content-type': contentType } : {}) } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += String(d)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      });
      req.on('error', reject);
      if (body) req.write(body);
      req.end();
    });

  it.each(PARITY_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkParity(send, c);
  });
});
