/**
 * LIST with label/field selectors and limit/continue paging. Items of built-in types carry no
 * apiVersion/kind (the real server omits them in lists); custom resources keep theirs.
 */
import type { K8sObject } from '../../store/types.js';
import { badRequest } from '../errors.js';
import { writeObject } from '../respond.js';
import { selectorsOf } from '../selectors.js';
import { parseIncludeObject, toTable } from '../tables.js';
import { output, present, type Call, type ServerContext } from './context.js';

interface ContinueToken {
  rv: string;
  after: string;
}

export function handleList(ctx: ServerContext, call: Call): void {
  const out = output(call, { allowTable: true });
  const selectors = selectorsOf(call.type, call.info.query);
  const limit = parseLimit(call.info.query.get('limit'));
  const token = parseContinue(call.info.query.get('continue'));
  const { items, resourceVersion } = ctx.store.list(call.storage, call.namespace, selectors);
  const keyed = items.map((o) => ({ key: `${o.metadata.namespace ?? ''}/${o.metadata.name}`, o }));
  const start = token ? keyed.findIndex((k) => k.key > token.after) : 0;
  const from = start < 0 ? keyed.length : start;
  const page = limit > 0 ? keyed.slice(from, from + limit) : keyed.slice(from);
  const more = from + page.length < keyed.length;
  const listRv = token?.rv ?? resourceVersion;
  const continueToken = more && page.length ? encodeContinue({ rv: listRv, after: page[page.length - 1]!.key }) : undefined;
  const shown = page.map((k) => present(call, k.o));
  const metadata = {
    resourceVersion: listRv,
    ...(continueToken ? { continue: continueToken, remainingItemCount: keyed.length - from - page.length } : {}),
  };

  switch (out.kind) {
    case 'table': {
      const include = parseIncludeObject(call.info.query.get('includeObject'));
      if (!include) throw badRequest(`includeObject: Unsupported value: "${call.info.query.get('includeObject')}"`);
      const table = toTable(call.type, shown, { version: out.version, include, resourceVersion: listRv, ...(continueToken ? { continueToken } : {}), now: ctx.now() });
      return writeObject(call.res, 200, table, out);
    }
    case 'partial':
      return writeObject(
        call.res,
        200,
        {
          kind: 'PartialObjectMetadataList',
          apiVersion: `meta.k8s.io/${out.version}`,
          metadata,
          items: shown.map((o) => ({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${out.version}`, metadata: o.metadata })),
        },
        out,
      );
    case 'json':
    case 'yaml':
    case 'discovery':
      return writeObject(call.res, 200, listOf(call, shown, metadata), out);
  }
}

export function listOf(call: Call, items: K8sObject[], metadata: Record<string, unknown>): Record<string, unknown> {
  const apiVersion = call.type.group ? `${call.type.group}/${call.info.version}` : call.info.version;
  return {
    kind: `${call.type.kind}List`,
    apiVersion,
    metadata,
    items: call.type.builtin ? items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest) : items,
  };
}

function parseLimit(v: string | null): number {
  if (v === null || v === '') return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`limit: Invalid value: "${v}": must be greater than or equal to 0`);
  return n;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function parseContinue(v: string | null): ContinueToken | undefined {
  if (!v) return undefined;
  try {
    const t = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof t.rv === 'string' && typeof t.after === 'string') return t;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
}
