/** Hints are commands that work when pasted (issue 16 item 5). */
import { canaryCommand, forReader, hintCommand } from '../../src/util/hint.js';

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

describe('forReader: a stored message with the reader\'s --context', () => {
  const t = { name: 'myapp', namespace: 'apps', context: 'prod' };
  it.each([
    ['paused at step 2/2 until `canary promote myapp -n apps`', 'paused at step 2/2 until `canary promote myapp -n apps --context prod`'],
    ['`canary promote myapp -n apps --full` skips every remaining step', '`canary promote myapp -n apps --context prod --full` skips every remaining step'],
    ['`canary promote myapp -n apps` continues, `canary abort myapp -n apps` rolls back', '`canary promote myapp -n apps --context prod` continues, `canary abort myapp -n apps --context prod` rolls back'],
    // Already naming a context, another namespace, or no namespace: left as stored.
    ['`canary abort myapp -n apps --context dev`', '`canary abort myapp -n apps --context dev`'],
    ['`canary status -n shop`', '`canary status -n shop`'],
    ['`canary run` resumes', '`canary run` resumes'],
    ['`canary status myapp -n appsx`', '`canary status myapp -n appsx`'],
  ])('%s', (stored, shown) => {
    expect(forReader(stored, t)).toBe(shown);
  });
  it('without --context the message is as stored', () => {
    expect(forReader('until `canary promote myapp -n apps`', { ...t, context: null })).toBe('until `canary promote myapp -n apps`');
  });
  it('a context name that needs quoting is quoted', () => {
    expect(forReader('`canary abort myapp -n apps`', { ...t, context: 'my ctx' })).toBe("`canary abort myapp -n apps --context 'my ctx'`");
  });
});
