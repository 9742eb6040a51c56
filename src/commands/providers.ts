/** The metric providers from the flags and environment, shared by `run` and `analyze`. */
import type { Io } from '../contract/io.js';
import { MetricProviders, type ProviderOptions } from '../providers/registry.js';
import type { ServiceProxy } from '../kube/service-proxy.js';
import type { Cluster } from '../wiring/cluster.js';
import type { Clock } from '../util/clock.js';
import { UsageError } from '../util/errors.js';

export interface ProviderFlags {
  prometheusAddress?: string;
  prometheusVia?: string;
  prometheusCaFile?: string;
  prometheusTokenEnv?: string;
}

/** Where the providers run: the cluster (null without a kubeconfig), its service proxy, the Rollout's namespace and name. */
export interface ProviderSite {
  cluster: Cluster | null;
  serviceProxy: ServiceProxy | null;
  namespace: string;
  /** Names the objects providers create (Jobs), e.g. the Rollout's name. */
  owner: string;
}

export function buildProvider(flags: ProviderFlags, io: Io, clock: Clock, site: ProviderSite): MetricProviders {
  const via = (flags.prometheusVia ?? 'auto') as 'auto' | 'direct' | 'proxy';
  const { cluster, serviceProxy } = site;
  if (via === 'proxy' && !serviceProxy) throw new UsageError('--prometheus-via proxy needs a kubeconfig: there is no cluster to proxy through');
  return new MetricProviders(
    {
      clock,
      via,
      env: io.env,
      namespace: site.namespace,
      owner: site.owner,
      ...(serviceProxy ? { serviceProxy } : {}),
      ...(cluster ? { secrets: cluster.secrets(), kube: cluster.client } : {}),
    },
    providerOptions(flags, io),
  );
}

/** Each provider's own options from canary's flags and environment. */
export function providerOptions(flags: ProviderFlags, io: Io): ProviderOptions {
  const token = io.env[flags.prometheusTokenEnv ?? 'CANARY_PROMETHEUS_TOKEN'];
  const prometheus = {
    ...(flags.prometheusAddress ? { addressOverride: flags.prometheusAddress } : {}),
    ...(io.env.ARGO_ROLLOUTS_PROMETHEUS_ADDRESS ? { addressFallback: io.env.ARGO_ROLLOUTS_PROMETHEUS_ADDRESS } : {}),
    ...(token ? { bearerToken: token } : {}),
    ...(flags.prometheusCaFile ? { caFile: flags.prometheusCaFile } : {}),
  };
  // The judge queries Prometheus: the same flags apply to it.
  return { prometheus, judge: prometheus };
}
