/**
 * Issue 20's "done when", through the built binary (bin/canary.js) as a user runs it from a
 * workstation: each provider's example (examples/providers/) lints clean, and `canary analyze`
 * against a stub of the vendor's API that answers only the documented request
 * (test/support/provider-stubs.ts names each API reference) is Successful (exit 0) for a good
 * answer, Failed (exit 1) for a bad one and Error (exit 1, after consecutiveErrorLimit) for a
 * service that keeps answering 503, as Argo would for the same answers; credentials come from the
 * environment and are never printed, even when the stub quotes them back. The job example runs in
 * a rollout in test/e2e/run/job.test.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type TestServer } from '../../providers/test-server.js';
import { PROVIDER_STUBS, stubArgs, stubHandler, type StubMode } from '../../support/provider-stubs.js';
import { killAll, ROOT, runCanary } from '../support/harness.js';

if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('e2e: run `npm run build` first (npm run test:e2e does it)');

const HOME = { HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' };

describe('canary analyze with each provider\'s example, against its vendor\'s API (stub)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(killAll);
  afterAll(() => server.close());

  describe.each(Object.entries(PROVIDER_STUBS))('%s', (_name, stub) => {
    const file = `examples/providers/${stub.file}`;
    const analyze = async (mode: StubMode) => {
      server.handle(stubHandler(stub, mode));
      const r = await runCanary(null, ['analyze', file, '--time-scale', '0.001', ...stubArgs(stub, server.url)], { ...HOME, ...stub.env(server.url) });
      for (const secret of stub.secrets) expect(r.stdout + r.stderr).not.toContain(secret);
      return r;
    };

    it('lints clean; Successful (0), Failed (1) and Error (1) as Argo would', async () => {
      const lint = await runCanary(null, ['lint', file], HOME);
      expect([lint.code, lint.stdout.trim()]).toEqual([0, '✔ 0 errors, 0 warnings in 1 file (0 Rollouts, 1 AnalysisTemplate, 0 Services)']);

      const good = await analyze('good');
      expect({ code: good.code, last: good.stdout.trim().split('\n').pop() }).toEqual({ code: 0, last: expect.stringMatching(/^✔ AnalysisTemplate \S+: Successful$/) });

      const bad = await analyze('bad');
      expect(bad.stdout).toMatch(/✖ AnalysisTemplate \S+: Failed: metric \S+: result \S+ did not match successCondition ".+" \(failed 2 > failureLimit 1\)/);
      expect(bad.code).toBe(1);

      const broken = await analyze('broken');
      expect(broken.stdout).toMatch(/✖ AnalysisTemplate \S+: Error: metric \S+: .*503.* \(consecutiveErrors 5 > consecutiveErrorLimit 4\)/);
      if (stub.secrets.length > 0) expect(broken.stdout).toMatch(/\*\*\*\*\*/); // quoted back, hidden
      expect(broken.code).toBe(1);
    });
  });
});
