import { ApiError } from '../errors.js';
import type { ApiServer } from '../index.js';
import { decodeProtobufObject, PROTOBUF } from '../protobuf.js';
import { post, startSandbox } from './helpers.js';

// A minimal protobuf writer, enough to build what kubectl's typed clients send.
const varint = (n: number): Buffer => {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Buffer.from(out);
};
const bytes = (field: number, payload: Buffer): Buffer => Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
const str = (field: number, s: string): Buffer => bytes(field, Buffer.from(s));
const bool = (field: number, b: boolean): Buffer => Buffer.concat([varint(field << 3), varint(b ? 1 : 0)]);
const entry = (field: number, key: string, value: Buffer): Buffer => bytes(field, Buffer.concat([str(1, key), bytes(2, value)]));
const envelope = (apiVersion: string, kind: string, raw: Buffer): Buffer =>
  Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), bytes(1, Buffer.concat([str(1, apiVersion), str(2, kind)])), bytes(2, raw)]);

const configMap = (): Buffer =>
  envelope(
    'v1',
    'ConfigMap',
    Buffer.concat([
      bytes(1, Buffer.concat([str(1, 'from-proto'), entry(11, 'app', Buffer.from('web')), str(14, 'example.com/keep')])),
      entry(2, 'state', Buffer.from('Idle')),
      entry(3, 'blob', Buffer.from([1, 2, 3])),
      bool(4, true),
      // An unknown field (99) is skipped, as a decoder of an older schema would.
      str(99, 'ignored'),
    ]),
  );

const ACCEPTED = ['application/json', 'application/yaml', PROTOBUF];

describe('Kubernetes protobuf request bodies', () => {
  it('decodes the envelope and a ConfigMap: metadata, maps, bytes, bools', () => {
    expect(decodeProtobufObject(configMap(), ACCEPTED)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'from-proto', labels: { app: 'web' }, finalizers: ['example.com/keep'] },
      data: { state: 'Idle' },
      binaryData: { blob: Buffer.from([1, 2, 3]).toString('base64') },
      immutable: true,
    });
  });

  it('refuses kinds it has no schema for, and bodies without the envelope, with 415', () => {
    for (const body of [envelope('apps/v1', 'Deployment', Buffer.alloc(0)), Buffer.from('{"kind":"ConfigMap"}')]) {
      let caught: unknown;
      try {
        decodeProtobufObject(body, ACCEPTED);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ApiError);
      expect((caught as ApiError).code).toBe(415);
    }
  });

  describe('over HTTP', () => {
    let server: ApiServer;
    beforeAll(async () => {
      server = await startSandbox({ tls: 'off' });
    });
    afterAll(() => server.close());

    it('creates the object (201) and answers JSON', async () => {
      const r = await post(server, '/api/v1/namespaces/default/configmaps', configMap(), { contentType: PROTOBUF, accept: `${PROTOBUF},application/json` });
      expect(r.status).toBe(201);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.json).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'from-proto', namespace: 'default' }, data: { state: 'Idle' } });
    });
  });
});
