/** What the completion back end (cli/complete.ts) hands commands/complete-cluster.ts: the global flags typed so far. */
export interface TypedGlobals {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}
