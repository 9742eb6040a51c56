/**
 * Request bodies in Kubernetes protobuf (`application/vnd.kubernetes.protobuf`), which kubectl's
 * typed clients send (`kubectl create namespace`, `kubectl auth can-i`). The envelope is the
 * magic "k8s\0" and a runtime.Unknown {typeMeta, raw}; `raw` is the object in the field numbers
 * of k8s.io/api's generated.proto. Only the kinds listed here decode; others are refused (415).
 */
import { unsupportedMediaType } from './errors.js';

type Scalar = 'string' | 'bytes' | 'int' | 'bool';

type PbField =
  | { name: string; t: Scalar; repeated?: boolean }
  | { name: string; t: 'message'; of: () => PbMessage; repeated?: boolean }
  | { name: string; t: 'map'; values: 'string' | 'bytes' }
  | { name: string; t: 'time' };

type PbMessage = Record<number, PbField>;

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const typeMeta = (): PbMessage => ({ 1: { name: 'apiVersion', t: 'string' }, 2: { name: 'kind', t: 'string' } });
const unknown = (): PbMessage => ({ 1: { name: 'typeMeta', t: 'message', of: typeMeta }, 2: { name: 'raw', t: 'bytes' }, 3: { name: 'contentEncoding', t: 'string' }, 4: { name: 'contentType', t: 'string' } });

const ownerReference = (): PbMessage => ({
  1: { name: 'kind', t: 'string' },
  3: { name: 'name', t: 'string' },
  4: { name: 'uid', t: 'string' },
  5: { name: 'apiVersion', t: 'string' },
  6: { name: 'controller', t: 'bool' },
  7: { name: 'blockOwnerDeletion', t: 'bool' },
});

const objectMeta = (): PbMessage => ({
  1: { name: 'name', t: 'string' },
  2: { name: 'generateName', t: 'string' },
  3: { name: 'namespace', t: 'string' },
  5: { name: 'uid', t: 'string' },
  6: { name: 'resourceVersion', t: 'string' },
  7: { name: 'generation', t: 'int' },
  8: { name: 'creationTimestamp', t: 'time' },
  9: { name: 'deletionTimestamp', t: 'time' },
  10: { name: 'deletionGracePeriodSeconds', t: 'int' },
  11: { name: 'labels', t: 'map', values: 'string' },
  12: { name: 'annotations', t: 'map', values: 'string' },
  13: { name: 'ownerReferences', t: 'message', of: ownerReference, repeated: true },
  14: { name: 'finalizers', t: 'string', repeated: true },
});

const meta = { name: 'metadata', t: 'message', of: objectMeta } as const;

const KINDS: Record<string, () => PbMessage> = {
  Namespace: () => ({
    1: meta,
    2: { name: 'spec', t: 'message', of: () => ({ 1: { name: 'finalizers', t: 'string', repeated: true } }) },
    3: { name: 'status', t: 'message', of: () => ({ 1: { name: 'phase', t: 'string' } }) },
  }),
  ConfigMap: () => ({
    1: meta,
    2: { name: 'data', t: 'map', values: 'string' },
    3: { name: 'binaryData', t: 'map', values: 'bytes' },
    4: { name: 'immutable', t: 'bool' },
  }),
  Secret: () => ({
    1: meta,
    2: { name: 'data', t: 'map', values: 'bytes' },
    3: { name: 'type', t: 'string' },
    4: { name: 'stringData', t: 'map', values: 'string' },
    5: { name: 'immutable', t: 'bool' },
  }),
  SelfSubjectAccessReview: () => ({
    1: meta,
    2: {
      name: 'spec',
      t: 'message',
      of: () => ({
        1: {
          name: 'resourceAttributes',
          t: 'message',
          of: () => ({
            1: { name: 'namespace', t: 'string' },
            2: { name: 'verb', t: 'string' },
            3: { name: 'group', t: 'string' },
            4: { name: 'version', t: 'string' },
            5: { name: 'resource', t: 'string' },
            6: { name: 'subresource', t: 'string' },
            7: { name: 'name', t: 'string' },
          }),
        },
        2: { name: 'nonResourceAttributes', t: 'message', of: () => ({ 1: { name: 'path', t: 'string' }, 2: { name: 'verb', t: 'string' } }) },
      }),
    },
  }),
};

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The object in a protobuf request body, as JSON; 415 for kinds this sandbox cannot decode. */
export function decodeProtobufObject(body: Buffer, accepted: readonly string[]): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw unsupportedMediaType(accepted);
  const envelope = decodeMessage(body.subarray(4), unknown());
  const tm = (envelope['typeMeta'] ?? {}) as { apiVersion?: string; kind?: string };
  const schema = tm.kind ? KINDS[tm.kind] : undefined;
  if (!schema || typeof envelope['raw'] !== 'string') throw unsupportedMediaType(accepted);
  const obj = decodeMessage(Buffer.from(envelope['raw'], 'base64'), schema());
  return { apiVersion: tm.apiVersion, kind: tm.kind, ...obj };
}

function decodeMessage(buf: Buffer, schema: PbMessage): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (!r.done()) {
    const key = r.varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    const spec = schema[field];
    if (!spec) {
      r.skip(wire);
      continue;
    }
    switch (spec.t) {
      case 'string':
      case 'bytes':
      case 'int':
      case 'bool': {
        const v = scalar(r, wire, spec.t);
        if (spec.repeated) ((out[spec.name] ??= []) as unknown[]).push(v);
        else out[spec.name] = v;
        break;
      }
      case 'message': {
        const v = decodeMessage(r.bytes(), spec.of());
        if (spec.repeated) ((out[spec.name] ??= []) as unknown[]).push(v);
        else out[spec.name] = v;
        break;
      }
      case 'map': {
        const entry = decodeMessage(r.bytes(), { 1: { name: 'key', t: 'string' }, 2: { name: 'value', t: spec.values } });
        ((out[spec.name] ??= {}) as Record<string, unknown>)[String(entry['key'] ?? '')] = entry['value'] ?? '';
        break;
      }
      case 'time': {
        const t = decodeMessage(r.bytes(), { 1: { name: 'seconds', t: 'int' } });
        out[spec.name] = new Date(Number(t['seconds'] ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        break;
      }
    }
  }
  return out;
}

function scalar(r: Reader, wire: number, t: Scalar): unknown {
  switch (t) {
    case 'string':
      return r.bytes().toString('utf8');
    case 'bytes':
      return r.bytes().toString('base64');
    case 'int':
      return Number(BigInt.asIntN(64, r.varint()));
    case 'bool':
      return wire === 0 ? r.varint() !== 0n : false;
  }
}

class Reader {
  private i = 0;

  constructor(private readonly buf: Buffer) {}

  done(): boolean {
    return this.i >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.i >= this.buf.length) throw new Error('truncated protobuf varint');
      const b = this.buf[this.i++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    const out = this.buf.subarray(this.i, this.i + len);
    this.i += len;
    return out;
  }

  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.varint();
        return;
      case 1:
        this.i += 8;
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.i += 4;
        return;
      default:
        throw new Error(`unsupported protobuf wire type ${wire}`);
    }
  }
}
