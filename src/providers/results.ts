/** The two shapes of a provider's answer, built the same way by every provider. */
import type { ProviderResult } from '../analysis/provider.js';
import type { Transient } from './call.js';

export function failed(message: string, metadata: Record<string, string> = {}, transient: Transient | null = null): ProviderResult {
  return { ok: false, message, metadata, ...(transient ? { transient } : {}) };
}

export function measured(
  value: unknown,
  valueText: string,
  metadata: Record<string, string> = {},
  extra: Pick<Extract<ProviderResult, { ok: true }>, 'json' | 'verdict'> = {},
): ProviderResult {
  return { ok: true, value, valueText, metadata, ...extra };
}
