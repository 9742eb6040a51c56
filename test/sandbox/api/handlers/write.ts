/**
 * The steps every write shares after decoding: defaults, validation, the store write (dry-run or
 * not), and the stored object shown back in the requested version.
 */
import { randomUUID } from 'node:crypto';
import type { K8sObject } from '../../store/types.js';
import { applyDefaults } from '../defaults.js';
import { publishedSchema, admitCustomResource } from '../crd-schema.js';
import { badRequest, invalid } from '../errors.js';
import { decodeErrors, validateObject } from '../validation.js';
import { present, toStorage, type Call, type ServerContext } from './context.js';

export type WriteKind = { kind: 'create' } | { kind: 'update'; current: K8sObject; subresource: '' | 'status' };

export function commit(ctx: ServerContext, call: Call, obj: K8sObject, write: WriteKind, dryRun: boolean): K8sObject {
  const mainWrite = write.kind === 'create' || write.subresource === '';
  decodeErrors(call.type, obj, call.info.version);
  if (!call.type.builtin) admitWithSchema(call, obj);
  // The real server fills system fields (the uid) before the strategy's defaults, which may use it (a Job's selector).
  if (write.kind === 'create') obj.metadata.uid = randomUUID();
  if (mainWrite && call.type.builtin) applyDefaults(call.type.kind, obj, ctx.ips);
  if (mainWrite) validateObject(call.type, obj, write.kind === 'update' ? present(call, write.current) : undefined);
  const stored = toStorage(call, obj);
  switch (write.kind) {
    case 'create':
      return present(call, ctx.store.create(call.storage, call.namespace, stored, { dryRun, uid: obj.metadata.uid! }));
    case 'update':
      return present(call, ctx.store.update(call.storage, call.namespace, stored, { dryRun, ...(write.subresource === 'status' ? { subresource: 'status' as const } : {}) }));
  }
}

/**
 * A custom resource through its published CRD's schema (crd-schema.ts): unknown fields pruned and
 * reported as the `fieldValidation` parameter asks (Warn by default: one Warning header each;
 * Strict: 400; Ignore: silent), defaults filled in, then 422 with every schema violation.
 */
function admitWithSchema(call: Call, obj: K8sObject): void {
  const schema = publishedSchema(call.type.group, call.info.version, call.type.kind);
  if (!schema) return;
  const { unknown, errors } = admitCustomResource(schema, obj as unknown as Record<string, unknown>);
  const fields = [...unknown].sort();
  const mode = call.info.query.get('fieldValidation') ?? 'Warn';
  if (fields.length && mode === 'Strict') {
    throw badRequest(`${call.type.kind} in version "${call.info.version}" cannot be handled as a ${call.type.kind}: strict decoding error: ${fields.map((f) => `unknown field "${f}"`).join(', ')}`);
  }
  if (fields.length && mode !== 'Ignore') call.res.setHeader('Warning', fields.map((f) => `299 - ${JSON.stringify(`unknown field "${f}"`)}`));
  if (errors.length) throw invalid(call.type, obj.metadata.name, errors);
}

/** checkName: the object must name itself as the URL does (PUT and PATCH). */
export function checkName(call: Call, obj: K8sObject): void {
  const name = obj.metadata?.name ?? '';
  if (name !== call.info.pathName) throw badRequest(`the name of the object (${name}) does not match the name on the URL (${call.info.pathName})`);
  if (call.type.namespaced) {
    const ns = obj.metadata.namespace;
    if (ns && ns !== call.info.namespace) throw badRequest(`the namespace of the object (${ns}) does not match the namespace on the request (${call.info.namespace})`);
    obj.metadata.namespace = call.info.namespace;
  } else {
    delete obj.metadata.namespace;
  }
}
