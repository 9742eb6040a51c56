/**
 * What a request is about, decided from method and URL alone, the way the real server's
 * RequestInfoFactory does it before authentication, authorization and routing.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  kind: 'resource';
  verb: Verb;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  /** '' for cluster-scoped requests and for lists across all namespaces. */
  namespace: string;
  /** '' for collections; for list/watch, the name of a `metadata.name=` field selector (authorization sees it). */
  name: string;
  /** The name in the URL only (a list narrowed by a field selector has none). */
  pathName: string;
  /** Everything after `/proxy` (service proxy), with its leading slash, or ''. */
  proxyPath: string;
  query: URLSearchParams;
  path: string;
}

export interface NonResourceRequest {
  kind: 'nonresource';
  /** The HTTP method as an authorization verb: get, post, put, patch, delete, head. */
  verb: string;
  path: string;
  query: URLSearchParams;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function requestInfo(method: string, rawUrl: string): RequestInfo {
  const url = new URL(rawUrl, 'http://sandbox');
  const path = url.pathname;
  const query = url.searchParams;
  const nonResource: NonResourceRequest = { kind: 'nonresource', verb: method.toLowerCase(), path, query };

  let parts = path.split('/').filter((p) => p !== '').map(decodeSegment);
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return nonResource;
  const prefix = parts[0];
  parts = parts.slice(1);
  let group = '';
  if (prefix === 'apis') {
    if (parts.length < 3) return nonResource;
    group = parts[0]!;
    parts = parts.slice(1);
  }
  const version = parts[0]!;
  parts = parts.slice(1);

  let verb = methodVerb(method);
  if (verb === undefined) return nonResource;
  // The deprecated /watch/ path prefix.
  if (parts[0] === 'watch') {
    verb = 'watch';
    parts = parts.slice(1);
  }

  let namespace = '';
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1]!;
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  // A request on a namespace object itself (/api/v1/namespaces/x) keeps x as its namespace too,
  // as the real server's authorizer sees it.
  const resource = parts[0] ?? '';
  const pathName = parts[1] ?? '';
  const subresource = parts[2] ?? '';

  // Everything after .../NAME/proxy, decoded as the real server's URL parsing decodes it
  // (a client that escaped the slashes of its path still reaches the same upstream path).
  let proxyPath = '';
  if (subresource === 'proxy') {
    const rest = parts.slice(3);
    proxyPath = '/' + rest.join('/') + (path.endsWith('/') && rest.length ? '/' : '');
  }

  let name = pathName;
  if (!pathName && verb === 'get') {
    verb = isTrue(query.get('watch')) ? 'watch' : 'list';
  }
  if (!pathName && (verb === 'list' || verb === 'watch')) {
    const m = /(?:^|,)\s*metadata\.name\s*==?\s*([^,]+?)\s*(?:,|$)/.exec(query.get('fieldSelector') ?? '');
    if (m) name = m[1]!;
  }
  if (!pathName && verb === 'delete') verb = 'deletecollection';

  return { kind: 'resource', verb, group, version, resource, subresource, namespace, name, pathName, proxyPath, query, path };
}

function methodVerb(method: string): Verb | undefined {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
      return 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return undefined;
  }
}

export function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
