/** kube/discovery-cache.ts: what a view may skip asking the server, and never a wrong answer kept for long. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISCOVERY_MAX_AGE_MS, diskDiscoveryCache } from '../../src/kube/discovery-cache.js';

let home: string;
let now: number;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'canary-discovery-'));
  now = Date.UTC(2026, 11, 5, 12);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const cache = (server = 'https://127.0.0.1:6443') => diskDiscoveryCache(home, server, () => now);

describe('diskDiscoveryCache', () => {
  it('gives back what was recorded, per server and group, preferred version first', () => {
    cache().put('split.smi-spec.io', ['v1alpha2', 'v1alpha1']);
    expect(cache().get('split.smi-spec.io')).toEqual(['v1alpha2', 'v1alpha1']);
    expect(cache().get('gateway.networking.k8s.io')).toBeNull();
    expect(cache('https://10.0.0.1:443').get('split.smi-spec.io')).toBeNull();
    expect(readdirSync(join(home, 'discovery'))).toEqual(['127.0.0.1_6443']);
  });

  it('trusts an entry for six hours, and not one from the future (a clock set back)', () => {
    cache().put('split.smi-spec.io', ['v1alpha2']);
    now += DISCOVERY_MAX_AGE_MS - 1;
    expect(cache().get('split.smi-spec.io')).toEqual(['v1alpha2']);
    now += 1;
    expect(cache().get('split.smi-spec.io')).toBeNull();
    now -= DISCOVERY_MAX_AGE_MS + 1000;
    expect(cache().get('split.smi-spec.io')).toBeNull();
  });

  it('forgets an entry, and reads damaged or foreign files as unknown', () => {
    cache().put('split.smi-spec.io', ['v1alpha2']);
    cache().forget('split.smi-spec.io');
    expect(cache().get('split.smi-spec.io')).toBeNull();
    cache().put('split.smi-spec.io', ['v1alpha2']);
    const file = join(home, 'discovery', '127.0.0.1_6443', 'split.smi-spec.io.json');
    for (const text of ['{', '[]', JSON.stringify({ group: 'other.io', versions: ['v1'], at: now }), JSON.stringify({ group: 'split.smi-spec.io', versions: [], at: now }), JSON.stringify({ group: 'split.smi-spec.io', versions: [1], at: now })]) {
      writeFileSync(file, text);
      expect(cache().get('split.smi-spec.io')).toBeNull();
    }
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ versions: [1] });
  });

  it('never throws when the disk refuses (a home it cannot write only loses the saving)', () => {
    writeFileSync(join(home, 'discovery'), 'not a folder');
    expect(() => cache().put('split.smi-spec.io', ['v1alpha2'])).not.toThrow();
    expect(() => cache().forget('split.smi-spec.io')).not.toThrow();
    expect(cache().get('split.smi-spec.io')).toBeNull();
  });
});
