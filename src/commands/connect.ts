/** The cluster for a command, from the global flags (kubectl's conventions). Loaded lazily by the verbs that need it. */
import { write, type Io } from '../contract/io.js';
import { parseDurationOption } from '../contract/options.js';
import type { Invocation } from '../contract/verb.js';
import type { Cluster } from '../wiring/cluster.js';
import type { Clock } from '../util/clock.js';

export async function connectFrom(inv: Invocation, io: Io, clock: Clock): Promise<Cluster> {
  const { connect } = await import('../wiring/cluster.js');
  return connect({
    kubeconfig: inv.global.kubeconfig,
    context: inv.global.context,
    namespace: inv.global.namespace,
    requestTimeoutMs: parseDurationOption('--request-timeout', inv.global.requestTimeout),
    clock,
    env: io.env,
    warn: (m) => write(io.stderr, io.errPalette.yellow(`warning: ${m}`)),
    ...(io.env.CANARY_TRACE ? { trace: (line: string) => write(io.stderr, io.errPalette.dim(line)) } : {}),
  });
}
