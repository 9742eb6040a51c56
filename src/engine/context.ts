/** What the machine knows besides the persisted state: the run's facts and its resolved analyses. Not persisted. */
import type { ResolvedMetric } from '../analysis/types.js';
import type { Redactor } from '../util/redact.js';
import type { JsonObject, RolloutSpec } from '../manifests/types.js';

/** What a run is, fixed from the moment it is opened (session.ts) to its end. */
export interface RunFacts {
  /** The Rollout, durations already multiplied by --time-scale. */
  spec: RolloutSpec;
  /** The pod template to roll out (--image applied) and its hash. */
  template: JsonObject;
  revision: string;
  /** Identity of this runner (the Lease holder). */
  owner: string;
  timeScale: number;
  /** The kind of object the router writes weights to (`TrafficSplit`), for events; null when replica counts carry the weight. */
  routeKind: string | null;
  /** `run --scale-down leave`: end at the verdict and leave the canary's scale-down to the next canary command. */
  leaveScaleDown?: boolean;
}

/** What the run knows of its analyses so far; the driver's background work fills it in. */
export interface AnalysisKnowledge {
  /** Resolved metrics of each analysis run, by run id; absent until resolved (also after a restart). */
  metrics: ReadonlyMap<string, readonly ResolvedMetric[]>;
  /** Analyses whose templates or args could not be resolved, with the reason; such a run ends in Error. */
  analysisErrors: ReadonlyMap<string, string>;
  /** Removes secret values from anything the run stores or prints. */
  redactor: Redactor;
}

export interface EngineContext extends RunFacts, AnalysisKnowledge {
  now: number;
}

export { analysisRefFor, BACKGROUND_RUN, experimentRunId, POST_PROMOTION_RUN, PRE_PROMOTION_RUN, stepRunId } from '../manifests/strategy.js';
