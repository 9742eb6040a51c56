/** PATCH: JSON patch, merge patch, and strategic merge patch (built-in types only) of an object or its status. */
import type { K8sObject } from '../../store/types.js';
import { readBody } from '../body.js';
import { badRequest, notFound, unsupportedMediaType } from '../errors.js';
import { bodyMediaType } from '../negotiation.js';
import { applyPatch, patchTypesFor, type PatchType } from '../patch/apply.js';
import type { JsonObject } from '../patch/json-value.js';
import { writeObject } from '../respond.js';
import { checkFieldManager, isDryRun, output, present, type Call, type ServerContext } from './context.js';
import { checkName, commit } from './write.js';

export async function handlePatch(ctx: ServerContext, call: Call, subresource: '' | 'status'): Promise<void> {
  const patchType = acceptedPatchType(call);
  const out = output(call);
  checkFieldManager(call);
  const dryRun = isDryRun(call);
  const body = (await readBody(call.req)).toString('utf8');
  const current = ctx.store.tryGet(call.storage, call.namespace, call.info.pathName);
  if (!current) throw notFound(call.type, call.info.pathName);
  const shown = present(call, current);
  const patched = applyPatch(patchType, shown as unknown as JsonObject, body, call.type.kind, call.note) as unknown as K8sObject;
  if (typeof patched.metadata !== 'object' || patched.metadata === null) throw badRequest('metadata: must be an object');
  // The representation stays the endpoint's whatever the patch wrote into apiVersion/kind.
  patched.apiVersion = shown.apiVersion!;
  patched.kind = shown.kind!;
  if (call.type.namespaced && patched.metadata.namespace && patched.metadata.namespace !== call.info.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  checkName(call, patched);
  const updated = commit(ctx, call, patched, { kind: 'update', current, subresource }, dryRun);
  writeObject(call.res, 200, updated, out);
}

/** 415 for anything but the patch types served for this type (apply-patch+yaml included). */
export function acceptedPatchType(call: Call): PatchType {
  const accepted = patchTypesFor(call.type.builtin);
  const media = bodyMediaType(call.req.headers['content-type']);
  const found = accepted.find((t) => t === media);
  if (!found) throw unsupportedMediaType(accepted);
  return found;
}
