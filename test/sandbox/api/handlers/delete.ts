/**
 * DELETE of one object (200 with the object or a Success Status, per type, as the real registry
 * answers) and of a collection (200 with the list of deleted objects). Objects go at once: there
 * are no finalizers or graceful deletion here.
 */
import type { K8sObject } from '../../store/types.js';
import { readBody, decodeJson } from '../body.js';
import { conflict, notFound } from '../errors.js';
import { isObject } from '../patch/json-value.js';
import { writeJson, writeObject } from '../respond.js';
import { selectorsOf } from '../selectors.js';
import { isDryRun, output, present, type Call, type ServerContext } from './context.js';
import { listOf } from './list.js';

interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

async function deleteOptions(call: Call): Promise<DeleteOptions> {
  const body = await readBody(call.req);
  if (body.length === 0) return {};
  const v = decodeJson(body);
  return isObject(v) ? (v as DeleteOptions) : {};
}

export async function handleDelete(ctx: ServerContext, call: Call): Promise<void> {
  const out = output(call);
  const options = await deleteOptions(call);
  const dryRun = isDryRun(call, options.dryRun);
  const current = ctx.store.tryGet(call.storage, call.namespace, call.info.pathName);
  if (!current) throw notFound(call.type, call.info.pathName);
  const pre = options.preconditions ?? {};
  if (pre.uid && pre.uid !== current.metadata.uid) {
    throw conflict(call.type, call.info.pathName, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw conflict(call.type, call.info.pathName, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
  }
  const deleted = present(call, ctx.store.delete(call.storage, call.namespace, call.info.pathName, { dryRun }));
  switch (call.type.deleteAnswer) {
    case 'object':
      return writeObject(call.res, 200, lastState(call, deleted, ctx.now()), out);
    case 'status':
      return writeJson(call.res, 200, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: deleted.metadata.name, ...(call.type.group ? { group: call.type.group } : {}), kind: call.type.resource, uid: deleted.metadata.uid },
      });
  }
}

/** A deleted Namespace is answered as it is while the namespace controller empties it. */
function lastState(call: Call, obj: K8sObject, now: Date): K8sObject {
  if (call.type.kind !== 'Namespace' || call.type.group !== '') return obj;
  return {
    ...obj,
    metadata: { ...obj.metadata, deletionTimestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    status: { ...(isObject(obj['status']) ? obj['status'] : {}), phase: 'Terminating' },
  };
}

export async function handleDeleteCollection(ctx: ServerContext, call: Call): Promise<void> {
  const out = output(call);
  const options = await deleteOptions(call);
  const dryRun = isDryRun(call, options.dryRun);
  const selectors = selectorsOf(call.type, call.info.query);
  const { items, resourceVersion } = ctx.store.list(call.storage, call.namespace, selectors);
  const deleted = items.map((o) => present(call, ctx.store.delete(call.storage, o.metadata.namespace ?? null, o.metadata.name, { dryRun })));
  writeObject(call.res, 200, listOf(call, deleted, { resourceVersion }), out);
}
