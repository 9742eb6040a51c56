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
      /** `value` is decoded JSON (web, New Relic): its arrays are []interface {} even when they hold only numbers. */
      json?: boolean;
      /**
       * The provider's own verdict, as Argo's Job provider (and Kayenta) decide a measurement
       * themselves: the metric's conditions are not evaluated. The message says why.
       */
      verdict?: { phase: 'Successful' | 'Failed' | 'Inconclusive'; message: string | null };
    }
  | {
      ok: false;
      /** What went wrong, quoting the provider, e.g. `Prometheus http://..: 400 bad_data: parse error ...`. */
      message: string;
      metadata: Record<string, string>;
      /** Set when asking again soon may well succeed (429, 502-504, timeout, refused); afterMs is the server's Retry-After. */
      transient?: { afterMs: number | null };
    };

/** Which measurement a call is for: a provider that creates objects (a Job) names and labels them by it. */
export interface MeasureContext {
  /** The analysis run, e.g. `background` or `step-2`. */
  run: string;
  metric: string;
}

export interface MetricProvider {
  /**
   * Takes one measurement. Never throws for query, HTTP or parse failures: those are `{ ok: false }`.
   * Not idempotent in effect (it queries, or runs a Job), but safe to repeat. Rejects only if
   * `signal` aborts; a provider that started something (a Job) cleans it up then.
   */
  measure(provider: ProviderSpec, signal: AbortSignal, context: MeasureContext): Promise<ProviderResult>;
}
