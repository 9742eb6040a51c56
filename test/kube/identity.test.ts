import { ciJobUrl, holderIdentity, requesterIdentity } from '../../src/kube/identity.js';

describe('holderIdentity', () => {
  const me = { user: 'alice', host: 'laptop', pid: 4242 };
  it.each([
    [{}, 'alice@laptop pid 4242'],
    [
      { GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'org/app', GITHUB_RUN_ID: '99' },
      'alice@laptop pid 4242 https://github.com/org/app/actions/runs/99',
    ],
    [{ GITLAB_CI: 'true', CI_JOB_URL: 'https://gitlab.com/org/app/-/jobs/7' }, 'alice@laptop pid 4242 https://gitlab.com/org/app/-/jobs/7'],
    [{ BUILDKITE: 'true', BUILDKITE_BUILD_URL: 'https://buildkite.com/org/app/builds/3' }, 'alice@laptop pid 4242 https://buildkite.com/org/app/builds/3'],
    [{ JENKINS_URL: 'https://ci.example', BUILD_URL: 'https://ci.example/job/app/12/' }, 'alice@laptop pid 4242 https://ci.example/job/app/12/'],
  ])('%j -> %s', (env, expected) => {
    expect(holderIdentity(env, me)).toBe(expected);
  });

  it('an incomplete GitHub environment gives no URL', () => {
    expect(ciJobUrl({ GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '1' })).toBeNull();
  });
});

describe('requesterIdentity', () => {
  const me = { user: 'alice', host: 'laptop', pid: 4242 };
  it.each([
    [{}, 'alice@laptop'],
    [{ GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'org/app', GITHUB_RUN_ID: '99' }, 'alice@laptop (https://github.com/org/app/actions/runs/99)'],
    [{ GITLAB_CI: 'true', CI_JOB_URL: 'https://gitlab.com/org/app/-/jobs/7' }, 'alice@laptop (https://gitlab.com/org/app/-/jobs/7)'],
    [{ BUILDKITE: 'true', BUILDKITE_BUILD_URL: 'https://buildkite.com/org/app/builds/3' }, 'alice@laptop (https://buildkite.com/org/app/builds/3)'],
    [{ JENKINS_URL: 'https://ci.example', BUILD_URL: 'https://ci.example/job/app/12/' }, 'alice@laptop (https://ci.example/job/app/12/)'],
  ])('%j -> %s', (env, expected) => {
    expect(requesterIdentity(env, me)).toBe(expected);
  });
});
