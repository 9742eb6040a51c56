/** What the provider tests build adapters with: a fake clock at a fixed time, direct connections, no cluster unless given. */
import type { MeasureContext, ProviderResult } from '../../src/analysis/provider.js';
import { staticSecrets } from '../../src/analysis/secrets.js';
import type { ProviderEnvironment } from '../../src/providers/definition.js';
import { FakeClock } from '../support/fake-clock.js';

export const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
export const never = new AbortController().signal;
export const CTX: MeasureContext = { run: 'background', metric: 'm' };

export function providerEnv(overrides: Partial<ProviderEnvironment> & { secretData?: Record<string, Record<string, string>> } = {}): ProviderEnvironment {
  const { secretData, ...rest } = overrides;
  return {
    clock: new FakeClock(NOW),
    via: 'direct',
    env: {},
    namespace: 'apps',
    ...(secretData ? { secrets: staticSecrets(secretData) } : {}),
    ...rest,
  };
}

export function expectOk(r: ProviderResult): Extract<ProviderResult, { ok: true }> {
  if (!r.ok) throw new Error(`expected a value, got: ${r.message}`);
  return r;
}

export function expectError(r: ProviderResult): string {
  if (r.ok) throw new Error(`expected an error, got ${r.valueText}`);
  return r.message;
}
