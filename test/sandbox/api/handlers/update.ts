/** PUT: replace an object or its status (409 Conflict on a stale resourceVersion). */
import { decodeObject, readBody } from '../body.js';
import { notFound, resourceVersionRequired } from '../errors.js';
import { writeObject } from '../respond.js';
import { checkFieldManager, isDryRun, output, type Call, type ServerContext } from './context.js';
import { checkName, commit } from './write.js';

export async function handleUpdate(ctx: ServerContext, call: Call, subresource: '' | 'status'): Promise<void> {
  const out = output(call);
  checkFieldManager(call);
  const body = await readBody(call.req);
  const obj = decodeObject(body, call.req.headers['content-type'], call.type, call.info.version);
  const dryRun = isDryRun(call);
  checkName(call, obj);
  const current = ctx.store.tryGet(call.storage, call.namespace, call.info.pathName);
  if (!current) throw notFound(call.type, call.info.pathName);
  // Leases and custom resources refuse unconditional updates (AllowUnconditionalUpdate() is false).
  if (!obj.metadata.resourceVersion && (!call.type.builtin || call.type.group === 'coordination.k8s.io')) throw resourceVersionRequired(call.type, obj.metadata.name);
  const updated = commit(ctx, call, obj, { kind: 'update', current, subresource }, dryRun);
  writeObject(call.res, 200, updated, out);
}
