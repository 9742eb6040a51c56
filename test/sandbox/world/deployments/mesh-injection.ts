/**
 * What Linkerd's proxy injector adds to a pod at admission when its namespace or template asks for
 * injection (`linkerd.io/inject: enabled`). Meshed-ness is fixed at creation, as on a real cluster:
 * annotating a namespace later does not mesh pods that already run.
 */
import type { ObjectStore } from '../../store/store.js';
import { servedType } from '../resources.js';

export const INJECT_ANNOTATION = 'linkerd.io/inject';
export const CONTROL_PLANE_NS_LABEL = 'linkerd.io/control-plane-ns';
export const PROXY_DEPLOYMENT_LABEL = 'linkerd.io/proxy-deployment';
export const WORKLOAD_NS_LABEL = 'linkerd.io/workload-ns';

export function shouldInject(store: ObjectStore, namespace: string, templateAnnotations: Record<string, string> | undefined): boolean {
  const fromTemplate = templateAnnotations?.[INJECT_ANNOTATION];
  if (fromTemplate !== undefined) return fromTemplate === 'enabled';
  const nsType = servedType(store, 'namespaces');
  const ns = nsType ? store.tryGet(nsType, null, namespace) : undefined;
  return ns?.metadata.annotations?.[INJECT_ANNOTATION] === 'enabled';
}

export function injectedLabels(namespace: string, deployment: string | undefined): Record<string, string> {
  return {
    [CONTROL_PLANE_NS_LABEL]: 'linkerd',
    ...(deployment ? { [PROXY_DEPLOYMENT_LABEL]: deployment } : {}),
    [WORKLOAD_NS_LABEL]: namespace,
  };
}

export const INJECTED_ANNOTATIONS: Record<string, string> = {
  'linkerd.io/created-by': 'linkerd/proxy-injector sandbox',
  'linkerd.io/proxy-version': 'sandbox',
};

export function isMeshed(labels: Record<string, string> | undefined): boolean {
  return labels?.[CONTROL_PLANE_NS_LABEL] !== undefined;
}
