/**
 * The driver's background work for analyses: resolving a run's templates and args (secrets are read
 * here) and taking measurements (measurer.ts, shared with `canary analyze`). Answers come back to
 * the loop through the inbox. The worker owns what the run knows of its analyses: the resolved
 * metrics, the runs that cannot be resolved, and the redactor built from the secrets read.
 */
import { Measurer } from '../analysis/measurer.js';
import type { ResolvedMetric } from '../analysis/types.js';
import { assertNever } from '../util/assert-never.js';
import { messageOf } from '../util/errors.js';
import { createRedactor, type Redactor } from '../util/redact.js';
import type { AnalysisKnowledge } from './context.js';
import { effectKey, type BackgroundEffect } from './effects.js';
import type { Inbox } from './inbox.js';
import type { DriverPorts } from './ports.js';

export class AnalysisWorker implements AnalysisKnowledge {
  readonly metrics = new Map<string, readonly ResolvedMetric[]>();
  readonly analysisErrors = new Map<string, string>();
  redactor: Redactor = createRedactor([]);
  private readonly secrets = new Set<string>();
  private readonly resolving = new Set<string>();
  private readonly measurer: Measurer;

  /** `signal` ends every call in flight (the drive is over). */
  constructor(
    private readonly ports: Pick<DriverPorts, 'provider' | 'resolveAnalysis'>,
    private readonly inbox: Inbox,
    signal: AbortSignal,
  ) {
    // One answer wakes the loop once: a poke on top would cost another observation of the cluster.
    this.measurer = new Measurer(ports.provider, signal, (key, result) => {
      const { runId, metric } = JSON.parse(key) as { runId: string; metric: string };
      inbox.push({ kind: 'measured', runId, metric, result });
    });
  }

  /** Starts the effect in the background, unless the same one is still in flight. */
  start(effect: BackgroundEffect): void {
    switch (effect.kind) {
      case 'resolveAnalysis':
        return this.resolve(effect.runId, effect.vars);
      case 'measure': {
        const metric = this.metrics.get(effect.runId)?.find((m) => m.spec.name === effect.metric);
        if (!metric) return this.inbox.poke();
        this.measurer.start(effectKey(effect), metric.spec.provider, { run: effect.runId, metric: effect.metric });
        return;
      }
      default:
        return assertNever(effect, 'background effect');
    }
  }

  private resolve(runId: string, vars: Record<string, string> | undefined): void {
    if (this.resolving.has(runId)) return;
    this.resolving.add(runId);
    void this.ports
      .resolveAnalysis(runId, vars)
      .then((res) => {
        if (!res.ok) return void this.analysisErrors.set(runId, res.message);
        this.metrics.set(runId, res.metrics);
        for (const s of res.secrets) this.secrets.add(s);
        this.redactor = createRedactor(this.secrets);
        this.inbox.push({ kind: 'analysisResolved', runId });
      })
      .catch((err: unknown) => this.analysisErrors.set(runId, messageOf(err)))
      .finally(() => {
        this.resolving.delete(runId);
        this.inbox.poke();
      });
  }
}
