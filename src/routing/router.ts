/** The traffic-shifting port. Implementations: one per router definition in this folder (registry.ts). */
export interface TrafficRouter {
  /** The kind of object whose weights are written (`TrafficSplit`), for events. */
  readonly objectKind: string;
  /** The object written, for messages: `TrafficSplit apps/myapp`, `HTTPRoute apps/web`. */
  describe(): string;
  /** Preflight: the API is served, the object is ours (or absent) and references both Services. No writes. */
  check(): Promise<void>;
  /** Canary weight (0-100) as currently written in the cluster; null when the route object does not exist yet. */
  getWeight(): Promise<number | null>;
  /** Idempotent: writing the weight already in place changes nothing. Creates the object when absent (SMI). */
  setWeight(canaryWeight: number): Promise<void>;
  /** true/false once the data plane accepted the weight; null when the router cannot tell (SMI). */
  verifyWeight(canaryWeight: number): Promise<boolean | null>;
}
