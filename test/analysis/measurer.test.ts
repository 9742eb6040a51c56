/** The calls in flight behind `canary analyze` and the engine's background analysis. */
import { Measurer } from '../../src/analysis/measurer.js';
import type { MetricProvider, ProviderResult } from '../../src/analysis/provider.js';
import type { ProviderSpec } from '../../src/manifests/types.js';
import { settle } from '../support/fake-clock.js';
import { prometheus } from './fixtures.js';

const ok = (v: number): ProviderResult => ({ ok: true, value: [v], valueText: `[${v}]`, metadata: {} });

/** A provider that answers when the test says, and rejects when its call is aborted (as the port does). */
class HeldProvider implements MetricProvider {
  readonly calls: { query: string; signal: AbortSignal; answer(r: ProviderResult): void; fail(e: Error): void }[] = [];
  measure(spec: ProviderSpec, signal: AbortSignal): Promise<ProviderResult> {
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      this.calls.push({ query: spec.kind === 'prometheus' ? spec.query : spec.kind === 'web' ? spec.url : spec.kind, signal, answer: resolve, fail: reject });
    });
  }
}

function setup() {
  const provider = new HeldProvider();
  const stop = new AbortController();
  const answers: [string, ProviderResult][] = [];
  const measurer = new Measurer(provider, stop.signal, (key, r) => answers.push([key, r]));
  return { provider, stop, answers, measurer };
}

const CTX = { run: 'background', metric: 'success-rate' };

describe('Measurer', () => {
  it('runs one call per key, hands each answer back once, and forgets the key then', async () => {
    const { provider, answers, measurer } = setup();
    expect(measurer.start('a', prometheus({ query: 'a' }), CTX)).toBe(true);
    expect(measurer.start('a', prometheus({ query: 'a' }), CTX)).toBe(false);
    expect(measurer.start('b', prometheus({ query: 'b' }), CTX)).toBe(true);
    expect([provider.calls.length, measurer.inFlight()]).toEqual([2, ['a', 'b']]);
    provider.calls[1]!.answer(ok(2));
    await settle();
    expect(answers).toEqual([['b', ok(2)]]);
    expect(measurer.inFlight()).toEqual(['a']);
    expect(measurer.start('b', prometheus({ query: 'b' }), CTX)).toBe(true);
  });

  it('a provider that rejects for another reason than an abort gives that measurement an error', async () => {
    const { provider, answers, measurer } = setup();
    measurer.start('a', prometheus(), CTX);
    provider.calls[0]!.fail(new Error('provider bug'));
    await settle();
    expect(answers).toEqual([['a', { ok: false, message: 'provider bug', metadata: {} }]]);
  });

  it('a cancelled call is aborted and its answer dropped; stopping aborts the rest; close waits for them', async () => {
    const { provider, stop, answers, measurer } = setup();
    measurer.start('a', prometheus(), CTX);
    measurer.start('b', prometheus(), CTX);
    measurer.cancel('a');
    expect(provider.calls[0]!.signal.aborted).toBe(true);
    stop.abort();
    expect(provider.calls[1]!.signal.aborted).toBe(true);
    await measurer.close();
    expect(answers).toEqual([]);
    expect(measurer.size).toBe(0);
  });
});
