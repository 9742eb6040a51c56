/**
 * The real half of the parity table (test/sandbox/api/__tests__/parity-cases.ts): kube-apiserver
 * v1.37.2 answers every request as the table says, so the sandbox half checks the sandbox against
 * what the real server does. Only in `npm run test:k8s` (it needs the real control plane).
 */
import { startRealSandbox, type RealSandbox } from '../../cluster/index.js';
import { checkParity, PARITY_CASES } from '../../sandbox/api/__tests__/parity-cases.js';

describe('kube-apiserver answers the parity table', () => {
  let real: RealSandbox;
  beforeAll(async () => {
    real = await startRealSandbox({ scenario: 'seed', prometheus: false, load: false, log: () => undefined });
  });
  afterAll(async () => real?.close());

  it.each(PARITY_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await checkParity(async (method, path, body, contentType) => {
      const a = await real.kube.request(method, path, body, contentType);
      return { status: a.status, body: a.body, headers: a.headers };
    }, c);
  });
});
