/**
 * What src/cli hands a command and what it gets back: the parsed command line and the process
 * (Io), then an Outcome. One module per verb in src/commands exports a Verb as its default.
 */
import type { Io } from './io.js';
import type { Outcome } from './outcome.js';

/** Global flags (kubectl's conventions). */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** false under --no-color */
  color: boolean;
  requestTimeout?: string;
}

export interface Invocation {
  verb: string;
  args: string[];
  options: Record<string, unknown>;
  global: GlobalOptions;
}

export type Verb = (inv: Invocation, io: Io) => Promise<Outcome>;
