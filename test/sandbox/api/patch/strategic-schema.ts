/**
 * The strategic-merge metadata of the built-in types canary touches, transcribed from the Go
 * struct tags of k8s.io/api (patchStrategy / patchMergeKey). Fields not listed merge as plain maps
 * when they are objects and are replaced when they are lists, like untagged Go fields.
 */

export type Field =
  | { t: 'struct'; of: () => Struct; retainKeys?: boolean }
  | { t: 'map'; values?: Field }
  | { t: 'mergeList'; key: string; of?: () => Struct; retainKeys?: boolean }
  | { t: 'setList' }
  | { t: 'atomic' };

export type Struct = { [field: string]: Field };

const struct = (of: () => Struct, retainKeys = false): Field => ({ t: 'struct', of, ...(retainKeys ? { retainKeys } : {}) });
const mergeList = (key: string, of?: () => Struct, retainKeys = false): Field => ({ t: 'mergeList', key, ...(of ? { of } : {}), ...(retainKeys ? { retainKeys } : {}) });
const map: Field = { t: 'map' };
const atomic: Field = { t: 'atomic' };

const objectMeta = (): Struct => ({
  labels: map,
  annotations: map,
  finalizers: { t: 'setList' },
  ownerReferences: mergeList('uid'),
  managedFields: atomic,
});

const container = (): Struct => ({
  ports: mergeList('containerPort'),
  env: mergeList('name'),
  envFrom: atomic,
  volumeMounts: mergeList('mountPath'),
  volumeDevices: mergeList('devicePath'),
  resizePolicy: atomic,
  command: atomic,
  args: atomic,
  resources: struct(() => ({ limits: map, requests: map, claims: atomic })),
});

const podSpec = (): Struct => ({
  volumes: mergeList('name', () => ({}), true),
  initContainers: mergeList('name', container),
  containers: mergeList('name', container),
  ephemeralContainers: mergeList('name', container),
  imagePullSecrets: mergeList('name'),
  hostAliases: mergeList('ip'),
  topologySpreadConstraints: mergeList('topologyKey'),
  resourceClaims: mergeList('name', () => ({}), true),
  schedulingGates: mergeList('name'),
  tolerations: atomic,
  readinessGates: atomic,
  nodeSelector: map,
  overhead: map,
});

const podTemplate = (): Struct => ({ metadata: struct(objectMeta), spec: struct(podSpec) });

const labelSelector = (): Struct => ({ matchLabels: map, matchExpressions: atomic });

const conditions = (): Struct => ({ conditions: mergeList('type') });

const deploymentSpec = (): Struct => ({
  selector: struct(labelSelector),
  template: struct(podTemplate),
  strategy: struct(() => ({ rollingUpdate: struct(() => ({})) }), true),
});

const replicaSetSpec = (): Struct => ({ selector: struct(labelSelector), template: struct(podTemplate) });

const podStatus = (): Struct => ({
  conditions: mergeList('type'),
  podIPs: mergeList('ip'),
  hostIPs: mergeList('ip'),
  containerStatuses: atomic,
  initContainerStatuses: atomic,
  ephemeralContainerStatuses: atomic,
});

const serviceSpec = (): Struct => ({
  ports: mergeList('port'),
  selector: map,
  externalIPs: atomic,
  clusterIPs: atomic,
  ipFamilies: atomic,
  loadBalancerSourceRanges: atomic,
});

const serviceStatus = (): Struct => ({ conditions: mergeList('type'), loadBalancer: struct(() => ({ ingress: atomic })) });

const SCHEMAS: Record<string, () => Struct> = {
  Deployment: () => ({ metadata: struct(objectMeta), spec: struct(deploymentSpec), status: struct(conditions) }),
  ReplicaSet: () => ({ metadata: struct(objectMeta), spec: struct(replicaSetSpec), status: struct(conditions) }),
  Pod: () => ({ metadata: struct(objectMeta), spec: struct(podSpec), status: struct(podStatus) }),
  Service: () => ({ metadata: struct(objectMeta), spec: struct(serviceSpec), status: struct(serviceStatus) }),
  Namespace: () => ({ metadata: struct(objectMeta), spec: struct(() => ({ finalizers: atomic })), status: struct(conditions) }),
  ConfigMap: () => ({ metadata: struct(objectMeta), data: map, binaryData: map }),
  Secret: () => ({ metadata: struct(objectMeta), data: map, stringData: map }),
  ServiceAccount: () => ({ metadata: struct(objectMeta), secrets: mergeList('name'), imagePullSecrets: atomic }),
  Scale: () => ({ metadata: struct(objectMeta) }),
};

/** The strategic-merge schema of a built-in kind; kinds without tagged lists get ObjectMeta's only. */
export function schemaFor(kind: string): Struct {
  return (SCHEMAS[kind] ?? (() => ({ metadata: struct(objectMeta) })))();
}
