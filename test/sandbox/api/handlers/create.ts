/** POST: create an object (201), or answer a SelfSubjectAccessReview. */
import { randomInt } from 'node:crypto';
import { decodeObject, readBody } from '../body.js';
import { ApiError, badRequest, invalid } from '../errors.js';
import { writeObject } from '../respond.js';
import { checkFieldManager, isDryRun, output, type Call, type ServerContext } from './context.js';
import { handleSelfSubjectAccessReview } from './ssar.js';
import { commit } from './write.js';

/** The alphabet of generated name suffixes (no vowels, no look-alikes), as apimachinery's rand.String. */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export async function handleCreate(ctx: ServerContext, call: Call): Promise<void> {
  const out = output(call);
  checkFieldManager(call);
  const body = await readBody(call.req);
  if (call.type.virtual === 'selfsubjectaccessreview') return handleSelfSubjectAccessReview(ctx, call, body, out);
  const obj = decodeObject(body, call.req.headers['content-type'], call.type, call.info.version);
  const dryRun = isDryRun(call);
  const meta = obj.metadata;
  if (call.type.namespaced) {
    if (meta.namespace && meta.namespace !== call.info.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    meta.namespace = call.info.namespace;
  } else {
    delete meta.namespace;
  }
  if (!meta.name) {
    const prefix = typeof meta['generateName'] === 'string' ? (meta['generateName'] as string) : '';
    if (!prefix) {
      throw invalid(call.type, '', [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }]);
    }
    meta.name = prefix.slice(0, 58) + Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  }
  if (meta.resourceVersion) throw new ApiError(500, '', 'resourceVersion should not be set on objects to be created');
  // System fields are the server's to set; status is reset where a status subresource owns it.
  delete meta.uid;
  delete meta.creationTimestamp;
  delete meta.deletionTimestamp;
  delete meta.generation;
  if (call.type.statusSubresource) delete obj['status'];
  const created = commit(ctx, call, obj, { kind: 'create' }, dryRun);
  writeObject(call.res, 201, created, out);
}
