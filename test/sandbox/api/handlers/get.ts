/** GET of one object (or its status subresource, which reads the same object). */
import type { K8sObject } from '../../store/types.js';
import { badRequest, notFound } from '../errors.js';
import { writeObject } from '../respond.js';
import { parseIncludeObject, toTable } from '../tables.js';
import { output, present, type Call, type ServerContext } from './context.js';

export function handleGet(ctx: ServerContext, call: Call): void {
  const out = output(call, { allowTable: true });
  const stored = ctx.store.tryGet(call.storage, call.namespace, call.info.pathName);
  if (!stored) throw notFound(call.type, call.info.pathName);
  const obj = present(call, stored);
  writeObject(call.res, 200, shape(ctx, call, obj, out), out);
}

function shape(ctx: ServerContext, call: Call, obj: K8sObject, out: ReturnType<typeof output>): unknown {
  switch (out.kind) {
    case 'table': {
      const include = parseIncludeObject(call.info.query.get('includeObject'));
      if (!include) throw badRequest(`includeObject: Unsupported value: "${call.info.query.get('includeObject')}"`);
      return toTable(call.type, [obj], { version: out.version, include, resourceVersion: obj.metadata.resourceVersion ?? '', now: ctx.now() });
    }
    case 'partial':
      return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${out.version}`, metadata: obj.metadata };
    case 'json':
    case 'yaml':
    case 'discovery':
      return obj;
  }
}
