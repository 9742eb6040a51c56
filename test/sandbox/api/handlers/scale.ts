/**
 * The scale subresource of Deployments and ReplicaSets (autoscaling/v1 Scale): what `kubectl
 * scale` reads and writes. Writing it changes only spec.replicas of the object behind it.
 */
import type { K8sObject } from '../../store/types.js';
import { decodeObject, readBody } from '../body.js';
import { badRequest, notFound } from '../errors.js';
import { applyPatch } from '../patch/apply.js';
import type { JsonObject } from '../patch/json-value.js';
import { isObject } from '../patch/json-value.js';
import { writeObject } from '../respond.js';
import { checkFieldManager, isDryRun, output, present, type Call, type ServerContext } from './context.js';
import { acceptedPatchType } from './patch.js';
import { commit } from './write.js';

const SCALE_TYPE = { group: 'autoscaling', versions: ['v1'], resource: 'scale', singular: 'scale', kind: 'Scale', namespaced: true };

function scaleOf(obj: K8sObject): K8sObject {
  const spec = isObject(obj['spec']) ? obj['spec'] : {};
  const status = isObject(obj['status']) ? obj['status'] : {};
  const sel = isObject(spec['selector']) && isObject(spec['selector']['matchLabels']) ? spec['selector']['matchLabels'] : {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace!,
      uid: obj.metadata.uid!,
      resourceVersion: obj.metadata.resourceVersion!,
      creationTimestamp: obj.metadata.creationTimestamp!,
    },
    // autoscaling/v1 ScaleSpec.replicas is omitempty: 0 is not written (kube-apiserver answers `spec: {}`).
    spec: typeof spec['replicas'] === 'number' && spec['replicas'] !== 0 ? { replicas: spec['replicas'] } : {},
    status: {
      replicas: typeof status['replicas'] === 'number' ? status['replicas'] : 0,
      selector: Object.keys(sel)
        .sort()
        .map((k) => `${k}=${String(sel[k])}`)
        .join(','),
    },
  };
}

function current(ctx: ServerContext, call: Call): K8sObject {
  const stored = ctx.store.tryGet(call.storage, call.namespace, call.info.pathName);
  if (!stored) throw notFound(call.type, call.info.pathName);
  return stored;
}

export function handleGetScale(ctx: ServerContext, call: Call): void {
  writeObject(call.res, 200, scaleOf(present(call, current(ctx, call))), output(call));
}

export async function handleUpdateScale(ctx: ServerContext, call: Call, verb: 'update' | 'patch'): Promise<void> {
  const patchType = verb === 'patch' ? acceptedPatchType(call) : undefined;
  const out = output(call);
  checkFieldManager(call);
  const dryRun = isDryRun(call);
  const body = await readBody(call.req);
  const stored = current(ctx, call);
  const before = scaleOf(present(call, stored));
  const wanted = patchType
    ? (applyPatch(patchType, before as unknown as JsonObject, body.toString('utf8'), 'Scale', call.note) as unknown as K8sObject)
    : decodeObject(body, call.req.headers['content-type'], SCALE_TYPE, 'v1');
  if (wanted.metadata?.name !== undefined && wanted.metadata.name !== call.info.pathName) {
    throw badRequest(`the name of the object (${wanted.metadata.name}) does not match the name on the URL (${call.info.pathName})`);
  }
  const replicas = isObject(wanted['spec']) ? wanted['spec']['replicas'] : undefined;
  const next = present(call, stored);
  next['spec'] = { ...(isObject(next['spec']) ? next['spec'] : {}), replicas: typeof replicas === 'number' ? replicas : 0 };
  // A Scale carrying a resourceVersion is a precondition on the object behind it.
  next.metadata.resourceVersion = wanted.metadata?.resourceVersion ?? '';
  const updated = commit(ctx, call, next, { kind: 'update', current: stored, subresource: '' }, dryRun);
  writeObject(call.res, 200, scaleOf(updated), out);
}
