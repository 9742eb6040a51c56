/** The metric providers from the flags and environment, shared by `run` and `analyze`. */
import type { Io } from '../contract/io.js';
import { MetricProviders } from '../providers/registry.js';
import type { ServiceProxy } from '../kube/service-proxy.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';

export interface ProviderFlags {
  prometheusAddress?: string;
  prometheusVia?: string;
  prometheusCaFile?: string;
  prometheusTokenEnv?: string;
}

/** `serviceProxy` is null when there is no cluster (e.g. `canary analyze` without a kubeconfig). */
export function buildProvider(flags: ProviderFlags, io: Io, clock: Clock, serviceProxy: ServiceProxy | null): MetricProviders {
  const via = (flags.prometheusVia ?? 'auto') as 'auto' | 'direct' | 'proxy';
  if (via === 'proxy' && !serviceProxy) throw new UsageError('--prometheus-via proxy needs a kubeconfig: there is no cluster to proxy through');
  const token = io.env[flags.prometheusTokenEnv ?? 'CANARY_PROMETHEUS_TOKEN'];
  return new MetricProviders(
    { clock, via, env: io.env, ...(serviceProxy ? { serviceProxy } : {}) },
    {
      prometheus: {
        ...(flags.prometheusAddress ? { addressOverride: flags.prometheusAddress } : {}),
        ...(io.env.ARGO_ROLLOUTS_PROMETHEUS_ADDRESS ? { addressFallback: io.env.ARGO_ROLLOUTS_PROMETHEUS_ADDRESS } : {}),
        ...(token ? { bearerToken: token } : {}),
        ...(flags.prometheusCaFile ? { caFile: flags.prometheusCaFile } : {}),
      },
    },
  );
}
