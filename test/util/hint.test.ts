/** Hints are commands that work when pasted (issue 16 item 5). */
import { canaryCommand, hintCommand } from '../../src/util/hint.js';

describe('canaryCommand', () => {
  it.each([
    [['abort', { name: 'myapp', namespace: 'apps' }], 'canary abort myapp -n apps'],
    [['status', { name: 'myapp', namespace: 'apps', context: 'prod' }, '--watch'], 'canary status myapp -n apps --context prod --watch'],
    [['status', { name: null, namespace: 'apps' }], 'canary status -n apps'],
    [['promote', { name: 'myapp', namespace: 'apps', context: null }, '--full'], 'canary promote myapp -n apps --full'],
    // kubeconfig context names may hold anything: quoted for a POSIX shell.
    [['abort', { name: 'myapp', namespace: 'apps', context: "my cluster's" }], `canary abort myapp -n apps --context 'my cluster'\\''s'`],
    [['abort', { name: 'myapp', namespace: 'apps', context: 'arn:aws:eks:eu-west-1:123:cluster/prod' }], 'canary abort myapp -n apps --context arn:aws:eks:eu-west-1:123:cluster/prod'],
  ] as const)('%j -> %s', (args, expected) => {
    expect(canaryCommand(...(args as unknown as Parameters<typeof canaryCommand>))).toBe(expected);
  });

  it('hintCommand puts it in backticks', () => {
    expect(hintCommand('retry', { name: 'web', namespace: 'shop' })).toBe('`canary retry web -n shop`');
  });
});
