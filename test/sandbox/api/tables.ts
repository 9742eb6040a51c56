/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the Table
 * kubectl get renders, with the columns of the real printers (k8s.io/kubernetes/pkg/printers)
 * and, for custom resources, their CRDs' additionalPrinterColumns.
 */
import type { K8sObject, ResourceType } from '../store/types.js';
import { isObject } from './patch/json-value.js';

export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean;

interface Printer {
  columns: ColumnDefinition[];
  row(obj: K8sObject, now: Date): Cell[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const NAME: ColumnDefinition = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 };
const AGE: ColumnDefinition = { name: 'Age', type: 'string', format: '', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 };

const col = (name: string, description: string, priority = 0, type: ColumnDefinition['type'] = 'string'): ColumnDefinition => ({ name, type, format: '', description, priority });

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (isObject(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObject).map((x) => x as Obj) : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function age(o: K8sObject, now: Date): string {
  return humanDuration(o.metadata.creationTimestamp, now);
}

/** apimachinery's duration.HumanDuration of the time since `since`. */
export function humanDuration(since: string | undefined, now: Date): string {
  if (!since) return '<unknown>';
  const ms = now.getTime() - Date.parse(since);
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.floor(hours / 24) % 365;
    return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function selectorText(sel: unknown): string {
  const m = obj(obj(sel)['matchLabels'] ?? sel);
  const parts = Object.keys(m)
    .sort()
    .map((k) => `${k}=${String(m[k])}`);
  const exprs = arr(obj(sel)['matchExpressions']).map((e) => `${str(e['key'])} ${str(e['operator']).toLowerCase()} (${(Array.isArray(e['values']) ? e['values'] : []).join(',')})`);
  const all = [...parts, ...exprs];
  return all.length ? all.join(',') : '<none>';
}

function containers(template: Obj): { names: string; images: string } {
  const cs = arr(obj(template['spec'])['containers']);
  return { names: cs.map((c) => str(c['name'])).join(','), images: cs.map((c) => str(c['image'])).join(',') };
}

const workloadWide = [col('Containers', 'Names of each container in the template.', 1), col('Images', 'Images referenced by each container in the template.', 1), col('Selector', 'Label selector for pods.', 1)];

const PRINTERS: Record<string, Printer> = {
  '/namespaces': {
    columns: [NAME, col('Status', 'The status of the namespace'), AGE],
    row: (o, now) => [o.metadata.name, str(obj(o['status'])['phase']), age(o, now)],
  },
  '/configmaps': {
    columns: [NAME, col('Data', 'Number of data in configmap', 0, 'integer'), AGE],
    row: (o, now) => [o.metadata.name, Object.keys(obj(o['data'])).length + Object.keys(obj(o['binaryData'])).length, age(o, now)],
  },
  '/secrets': {
    columns: [NAME, col('Type', 'The type of the secret'), col('Data', 'The number of data items in the secret', 0, 'integer'), AGE],
    row: (o, now) => [o.metadata.name, str(o['type']), Object.keys(obj(o['data'])).length, age(o, now)],
  },
  '/serviceaccounts': {
    columns: [NAME, col('Secrets', 'Secrets is the list of secrets allowed to be used by pods running using this ServiceAccount.', 0, 'integer'), AGE],
    row: (o, now) => [o.metadata.name, arr(o['secrets']).length, age(o, now)],
  },
  '/services': {
    columns: [
      NAME,
      col('Type', 'type determines how the Service is exposed.'),
      col('Cluster-IP', 'clusterIP is the IP address of the service.'),
      col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      col('Port(s)', 'The ports that are exposed by this service.'),
      AGE,
      col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    row: (o, now) => {
      const spec = obj(o['spec']);
      const type = str(spec['type']) || 'ClusterIP';
      const external = [...(Array.isArray(spec['externalIPs']) ? (spec['externalIPs'] as string[]) : []), ...arr(obj(obj(o['status'])['loadBalancer'])['ingress']).map((i) => str(i['ip']) || str(i['hostname']))];
      const externalText = external.length ? external.join(',') : type === 'LoadBalancer' ? '<pending>' : type === 'ExternalName' ? str(spec['externalName']) : '<none>';
      const ports = arr(spec['ports']).map((p) => `${num(p['port'])}${p['nodePort'] ? `:${num(p['nodePort'])}` : ''}/${str(p['protocol']) || 'TCP'}`);
      return [o.metadata.name, type, str(spec['clusterIP']) || '<none>', externalText, ports.length ? ports.join(',') : '<none>', age(o, now), selectorText(spec['selector'])];
    },
  },
  '/pods': {
    columns: [
      NAME,
      col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
      col('Status', 'The aggregate status of the containers in this pod.'),
      col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
      AGE,
      col('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
      col('Node', 'NodeName is a request to schedule this pod onto a specific node.', 1),
      col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
      col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
    ],
    row: (o, now) => podRow(o, now),
  },
  '/events': eventsPrinter(),
  'events.k8s.io/events': eventsPrinter(),
  'apps/deployments': {
    columns: [
      NAME,
      col('Ready', 'Number of the pod with ready state'),
      col('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.', 0, 'integer'),
      col('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.', 0, 'integer'),
      AGE,
      ...workloadWide,
    ],
    row: (o, now) => {
      const spec = obj(o['spec']);
      const status = obj(o['status']);
      const c = containers(obj(spec['template']));
      return [o.metadata.name, `${num(status['readyReplicas'])}/${num(spec['replicas'])}`, num(status['updatedReplicas']), num(status['availableReplicas']), age(o, now), c.names, c.images, selectorText(spec['selector'])];
    },
  },
  'apps/replicasets': {
    columns: [
      NAME,
      col('Desired', 'Replicas is the number of desired replicas.', 0, 'integer'),
      col('Current', 'Replicas is the most recently observed number of replicas.', 0, 'integer'),
      col('Ready', 'readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.', 0, 'integer'),
      AGE,
      ...workloadWide,
    ],
    row: (o, now) => {
      const spec = obj(o['spec']);
      const status = obj(o['status']);
      const c = containers(obj(spec['template']));
      return [o.metadata.name, num(spec['replicas']), num(status['replicas']), num(status['readyReplicas']), age(o, now), c.names, c.images, selectorText(spec['selector'])];
    },
  },
  'coordination.k8s.io/leases': {
    columns: [NAME, col('Holder', 'holderIdentity contains the identity of the holder of a current lease.'), AGE],
    row: (o, now) => [o.metadata.name, str(obj(o['spec'])['holderIdentity']), age(o, now)],
  },
  'split.smi-spec.io/trafficsplits': {
    columns: [NAME, col('Service', 'The apex service of this split.'), AGE],
    row: (o, now) => [o.metadata.name, str(obj(o['spec'])['service']), age(o, now)],
  },
  'gateway.networking.k8s.io/httproutes': {
    columns: [NAME, col('Hostnames', ''), AGE],
    row: (o, now) => [o.metadata.name, JSON.stringify(obj(o['spec'])['hostnames'] ?? []), age(o, now)],
  },
  'gateway.networking.k8s.io/gateways': {
    columns: [NAME, col('Class', ''), col('Address', ''), col('Programmed', ''), AGE],
    row: (o, now) => {
      const status = obj(o['status']);
      const programmed = arr(status['conditions']).find((c) => c['type'] === 'Programmed');
      return [o.metadata.name, str(obj(o['spec'])['gatewayClassName']), str(arr(status['addresses'])[0]?.['value']), str(programmed?.['status']) || 'Unknown', age(o, now)];
    },
  },
};

function eventsPrinter(): Printer {
  return {
    columns: [
      col('Last Seen', 'Time when last event from this object was observed.'),
      col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
      col('Reason', 'Reason is why the action was taken. It is human-readable. This field can have at most 128 characters.'),
      col('Object', 'The object that this event is about.'),
      col('Subobject', 'The subobject that this event is about.', 1),
      col('Source', 'The component reporting this event.', 1),
      col('Message', 'A human-readable description of the status of this operation.'),
      col('First Seen', 'Time when this event was first observed.', 1),
      col('Count', 'The number of times this event has occurred.', 1, 'integer'),
      { ...NAME, priority: 1 },
    ],
    row: (o, now) => {
      // Both shapes: core/v1 (involvedObject, message) and events.k8s.io/v1 (regarding, note).
      const involved = obj(o['involvedObject'] ?? o['regarding']);
      const first = str(o['firstTimestamp'] ?? o['deprecatedFirstTimestamp']);
      const last = str(o['lastTimestamp'] ?? o['deprecatedLastTimestamp']) || str(o['eventTime']) || first;
      const count = num(o['count'] ?? o['deprecatedCount']) || 1;
      const lastSeen = count > 1 && first ? `${humanDuration(last, now)} (x${count} over ${humanDuration(first, now)})` : humanDuration(last, now);
      const source = obj(o['source'] ?? o['deprecatedSource']);
      return [
        lastSeen,
        str(o['type']),
        str(o['reason']),
        `${str(involved['kind']).toLowerCase()}/${str(involved['name'])}`,
        str(involved['fieldPath']),
        str(source['component']) || str(o['reportingComponent'] ?? o['reportingController']),
        str(o['message'] ?? o['note']).trim(),
        humanDuration(first || last, now),
        count,
        o.metadata.name,
      ];
    },
  };
}

function podRow(o: K8sObject, now: Date): Cell[] {
  const spec = obj(o['spec']);
  const status = obj(o['status']);
  const statuses = arr(status['containerStatuses']);
  let reason = str(status['reason']) || str(status['phase']) || 'Pending';
  let restarts = 0;
  let ready = 0;
  let running = false;
  let lastRestart: string | undefined;
  for (const cs of [...statuses].reverse()) {
    restarts += num(cs['restartCount']);
    const finished = str(obj(obj(cs['lastState'])['terminated'])['finishedAt']);
    if (finished && (!lastRestart || finished > lastRestart)) lastRestart = finished;
    const state = obj(cs['state']);
    const waiting = obj(state['waiting']);
    const terminated = obj(state['terminated']);
    if (str(waiting['reason'])) reason = str(waiting['reason']);
    else if (isObject(state['terminated'])) reason = str(terminated['reason']) || (num(terminated['signal']) ? `Signal:${num(terminated['signal'])}` : `ExitCode:${num(terminated['exitCode'])}`);
    else if (cs['ready'] === true && isObject(state['running'])) {
      running = true;
      ready++;
    }
  }
  if (reason === 'Completed' && running) reason = 'Running';
  if (o.metadata.deletionTimestamp) reason = 'Terminating';
  const total = arr(spec['containers']).length;
  const restartText = restarts > 0 && lastRestart ? `${restarts} (${humanDuration(lastRestart, now)} ago)` : String(restarts);
  const gates = arr(spec['readinessGates']);
  return [o.metadata.name, `${ready}/${total}`, reason, restartText, age(o, now), str(status['podIP']) || '<none>', str(spec['nodeName']) || '<none>', str(status['nominatedNodeName']) || '<none>', gates.length ? `0/${gates.length}` : '<none>'];
}

function printerFor(type: ResourceType): Printer {
  return PRINTERS[`${type.group}/${type.resource}`] ?? { columns: [NAME, { ...AGE, description: 'Custom resource definition column (in JSONPath format): .metadata.creationTimestamp' }], row: (o, now) => [o.metadata.name, age(o, now)] };
}

function rowObject(o: K8sObject, include: IncludeObject, version: 'v1' | 'v1beta1'): Record<string, unknown> {
  switch (include) {
    case 'None':
      return {};
    case 'Metadata':
      return { object: { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: o.metadata } };
    case 'Object':
      return { object: o };
  }
}

/** A Table of `items` (already in the requested version). */
export function toTable(type: ResourceType, items: K8sObject[], opts: { version: 'v1' | 'v1beta1'; include: IncludeObject; resourceVersion?: string; continueToken?: string; now: Date }): Record<string, unknown> {
  const printer = printerFor(type);
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: { ...(opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : {}), ...(opts.continueToken ? { continue: opts.continueToken } : {}) },
    columnDefinitions: printer.columns,
    rows: items.map((o) => ({ cells: printer.row(o, opts.now), ...rowObject(o, opts.include, opts.version) })),
  };
}

export function parseIncludeObject(v: string | null): IncludeObject | undefined {
  if (v === null || v === '') return 'Metadata';
  return v === 'None' || v === 'Metadata' || v === 'Object' ? v : undefined;
}
