/**
 * The metric provider port: what an analysis asks of a provider (src/providers implements it).
 * Providers turn one resolved metric into data and never judge it (conditions are evaluated here
 * in src/analysis). A failed query is data too: an error result.
 */
import type { ProviderSpec } from '../manifests/types.js';

export type ProviderResult =
  | {
      ok: true;
      /** What conditions see as `result`: number, number[] (vector/matrix, [] when empty), string, or parsed JSON. */
      value: unknown;
      /** Argo's printed form: "[3]", "0.99", "[]". */
      valueText: string;
      metadata: Record<string, string>;
    }
  | {
      ok: false;
      /** What went wrong, quoting the provider, e.g. `Prometheus http://..: 400 bad_data: parse error ...`. */
      message: string;
      metadata: Record<string, string>;
      /** Set when asking again soon may well succeed (429, 502-504, timeout, refused); afterMs is the server's Retry-After. */
      transient?: { afterMs: number | null };
    };

export interface MetricProvider {
  /**
   * Takes one measurement. Never throws for query, HTTP or parse failures: those are `{ ok: false }`.
   * Not idempotent in effect (it queries), but safe to repeat. Rejects only if `signal` aborts.
   */
  measure(provider: ProviderSpec, signal: AbortSignal): Promise<ProviderResult>;
}
