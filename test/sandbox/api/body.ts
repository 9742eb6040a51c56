/** Request bodies: size limit, media types, and decode errors worded like the real server's. */
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { K8sObject, ResourceType } from '../store/types.js';
import { groupVersion } from './catalog.js';
import { ApiError, badRequest, entityTooLarge, unsupportedMediaType } from './errors.js';
import { GoJsonError, goTypeError, parseGoJson } from './go-json.js';
import { bodyMediaType } from './negotiation.js';
import { decodeProtobufObject, PROTOBUF } from './protobuf.js';

/** The real server's MaxRequestBodyBytes. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit && !failed) {
        failed = true;
        reject(entityTooLarge(`limit is ${limit}`));
      }
      if (!failed) chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml', PROTOBUF] as const;

const FIND_KIND_TYPE = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/**
 * A whole object (POST, PUT): JSON or YAML. Missing apiVersion/kind default to the URL's, as the
 * real decoder does; a different apiVersion or kind is refused.
 */
export function decodeObject(body: Buffer, contentTypeHeader: string | undefined, type: ResourceType, version: string): K8sObject {
  const media = bodyMediaType(contentTypeHeader) || 'application/json';
  let value: unknown;
  switch (media) {
    case 'application/json':
      try {
        value = parseGoJson(body.toString('utf8'));
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw goTypeError(value, FIND_KIND_TYPE);
      } catch (e) {
        if (!(e instanceof GoJsonError)) throw e;
        throw badRequest(`the object provided is unrecognized (must be of type ${type.kind}): couldn't get version/kind; json parse error: ${e.message} (${summarize(body)})`);
      }
      break;
    case 'application/yaml':
      try {
        value = parseYaml(body.toString('utf8'));
      } catch (e) {
        throw badRequest(`error converting YAML to JSON: yaml: ${(e as Error).message.split('\n')[0]}`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw badRequest(`the object provided is unrecognized (must be of type ${type.kind}): couldn't get version/kind; json parse error: ${goTypeError(value, FIND_KIND_TYPE).message} (${summarize(body)})`);
      }
      break;
    case PROTOBUF:
      try {
        value = decodeProtobufObject(body, OBJECT_MEDIA_TYPES);
      } catch (e) {
        if (e instanceof ApiError) throw e;
        throw badRequest(`the object provided is unrecognized (must be of type ${type.kind}): ${(e as Error).message} (${summarize(body)})`);
      }
      break;
    default:
      throw unsupportedMediaType([...OBJECT_MEDIA_TYPES]);
  }
  const obj = value as Record<string, unknown>;
  const expected = groupVersion(type.group, version);
  const apiVersion = typeof obj['apiVersion'] === 'string' ? (obj['apiVersion'] as string) : '';
  const kind = typeof obj['kind'] === 'string' ? (obj['kind'] as string) : '';
  if (kind && kind !== type.kind) {
    const v = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
    throw badRequest(`${kind} in version "${v}" cannot be handled as a ${type.kind}: no kind "${kind}" is registered for version "${apiVersion || expected}"`);
  }
  if (apiVersion && apiVersion !== expected) {
    throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${expected})`);
  }
  if (obj['metadata'] === undefined || obj['metadata'] === null) obj['metadata'] = {};
  if (typeof obj['metadata'] !== 'object' || Array.isArray(obj['metadata'])) {
    throw badRequest(`${type.kind} in version "${version}" cannot be handled as a ${type.kind}: json: cannot unmarshal ${Array.isArray(obj['metadata']) ? 'array' : typeof obj['metadata']} into Go struct field ${type.kind}.metadata of type v1.ObjectMeta`);
  }
  obj['apiVersion'] = expected;
  obj['kind'] = type.kind;
  return obj as K8sObject;
}

/** JSON bodies that are not objects of a kind (DeleteOptions, patches): Go's messages, 400. */
export function decodeJson(body: Buffer): unknown {
  try {
    return parseGoJson(body.toString('utf8'));
  } catch (e) {
    if (e instanceof GoJsonError) throw badRequest(e.message);
    throw e;
  }
}

/** The real server's summarizeData: objects quoted, anything else in hex, 30 bytes at most. */
export function summarize(body: Buffer, max = 30): string {
  if (body.length === 0) return '<empty>';
  if (body[0] === 0x7b) return body.length > max ? body.subarray(0, max).toString('utf8') + ' ...' : body.toString('utf8');
  return body.length > max ? body.subarray(0, max).toString('hex') + ' ...' : body.toString('hex');
}
