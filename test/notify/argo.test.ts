/**
 * Argo's notification subscriptions (issue 16 item 11), with the configurations of Argo's own docs
 * (argoproj/argo-rollouts@9f8d111: docs/features/notifications.md, docs/generated/notification-services/
 * webhook.md and slack.md, examples/notifications/).
 */
import { argoDestinations, subscriptionsOf } from '../../src/notify/argo.js';

const slackToken = 'xoxb-1234567890-1234567890123-5n38u5ed63fgzqlvuyxvxcx6';

describe('subscriptions from the Rollout annotations', () => {
  it('notifications.md: trigger, service and a semicolon separated list of recipients', () => {
    expect(subscriptionsOf({ 'notifications.argoproj.io/subscribe.on-rollout-step-completed.slack': 'my-channel1;my-channel2', other: 'x' })).toEqual([
      { key: 'notifications.argoproj.io/subscribe.on-rollout-step-completed.slack', trigger: 'on-rollout-step-completed', service: 'slack', recipients: ['my-channel1', 'my-channel2'] },
    ]);
    // webhook.md: a webhook subscription has no recipient.
    expect(subscriptionsOf({ 'notifications.argoproj.io/subscribe.on-rollout-completed.github': '' })[0]).toMatchObject({ service: 'github', recipients: [] });
  });
});

describe('destinations from argo-rollouts-notification-configmap', () => {
  const annotations = {
    'notifications.argoproj.io/subscribe.on-rollout-completed.slack': 'deploys',
    'notifications.argoproj.io/subscribe.on-rollout-aborted.slack': 'deploys;oncall',
    'notifications.argoproj.io/subscribe.on-rollout-aborted.github': '',
    'notifications.argoproj.io/subscribe.on-scaling-replica-set.slack': 'deploys',
  };
  const config = {
    // slack.md: the token from argo-rollouts-notification-secret.
    'service.slack': 'token: $slack-token\nusername: canary\nicon: ":rocket:"\n',
    // webhook.md "Set GitHub commit status": a header whose value holds a $key.
    'service.webhook.github': 'url: https://api.github.com\nheaders:\n- name: Authorization\n  value: token $github-token\n',
    'template.my-purple-template': 'message: purple',
  };
  const secret = { 'slack-token': slackToken, 'github-token': 'ghp_abcdefghijklmnop' };

  it('one destination per service and recipient, its triggers merged; unsent triggers are problems', () => {
    const r = argoDestinations(annotations, config, secret, 'namespace apps');
    expect(r.destinations.map((d) => [d.label, d.format, d.channel ?? null, [...(d.triggers ?? [])]])).toEqual([
      ['Argo service slack, channel deploys', 'slackApi', 'deploys', ['on-rollout-completed', 'on-rollout-aborted']],
      ['Argo service slack, channel oncall', 'slackApi', 'oncall', ['on-rollout-aborted']],
      ['Argo service webhook.github https://api.github.com', 'json', null, ['on-rollout-aborted']],
    ]);
    expect(r.problems).toEqual([expect.stringMatching(/^notifications\.argoproj\.io\/subscribe\.on-scaling-replica-set\.slack: canary does not send trigger on-scaling-replica-set/)]);
    const [slack, , github] = r.destinations;
    expect(slack!.url).toBe('https://slack.com/api/chat.postMessage');
    expect(slack!.headers).toEqual({ Authorization: `Bearer ${slackToken}` });
    expect(slack!.slackExtras).toEqual({ username: 'canary', icon_emoji: ':rocket:' });
    expect(slack!.secrets).toContain(slackToken);
    expect(github!.headers).toEqual({ Authorization: 'token ghp_abcdefghijklmnop' });
    expect(github!.secrets).toContain('token ghp_abcdefghijklmnop');
    // webhook.md's defaults: 3 retries, 1 s to 5 s apart.
    expect(github!.retry).toEqual({ max: 3, waitMinMs: 1000, waitMaxMs: 5000 });
  });

  it('webhook settings: basicAuth, insecureSkipVerify and the retry parameters', () => {
    const r = argoDestinations(
      { 'notifications.argoproj.io/subscribe.on-rollout-completed.ci': '' },
      { 'service.webhook.ci': 'url: https://ci.example.com/hooks/canary?token=$ci-token\nbasicAuth:\n  username: bot\n  password: hunter22\ninsecureSkipVerify: true\nretryMax: 1\nretryWaitMin: 200ms\nretryWaitMax: 2s\n' },
      { 'ci-token': 's3cr3t-t0ken' },
      'namespace apps',
    );
    const [d] = r.destinations;
    expect(d!.label).toBe('Argo service webhook.ci https://ci.example.com/…');
    expect(d!.url).toBe('https://ci.example.com/hooks/canary?token=s3cr3t-t0ken');
    expect(d!.headers.Authorization).toBe(`Basic ${Buffer.from('bot:hunter22').toString('base64')}`);
    expect(d).toMatchObject({ insecure: true, retry: { max: 1, waitMinMs: 200, waitMaxMs: 2000 } });
    expect(d!.secrets).toEqual(expect.arrayContaining(['s3cr3t-t0ken', 'hunter22']));
    expect(d!.label).not.toContain('s3cr3t');
  });

  it('what cannot be honoured says why', () => {
    const problems = (a: Record<string, string>, c: Record<string, string> | null, s: Record<string, string> = {}) => argoDestinations(a, c, s, 'namespace apps').problems;
    const sub = (service: string) => ({ [`notifications.argoproj.io/subscribe.on-rollout-completed.${service}`]: 'x' });
    expect(problems(sub('slack'), null)).toEqual(['notifications.argoproj.io/subscribe.on-rollout-completed.slack: no argo-rollouts-notification-configmap in the files or namespace apps: nothing to send to']);
    expect(problems(sub('teams'), {})).toEqual(['notifications.argoproj.io/subscribe.on-rollout-completed.teams: no service teams in argo-rollouts-notification-configmap (service.teams or service.webhook.teams)']);
    expect(problems(sub('email'), { 'service.email': 'host: smtp.example.com' })).toEqual(['notifications.argoproj.io/subscribe.on-rollout-completed.email: service email: canary delivers to webhook and slack services only']);
    expect(problems(sub('slack'), { 'service.slack': 'token: $slack-token' })).toEqual([
      'notifications.argoproj.io/subscribe.on-rollout-completed.slack: service.slack: token is missing (or its $key is not in argo-rollouts-notification-secret)',
    ]);
    expect(problems({ 'notifications.argoproj.io/subscriptions': '- trigger: [on-rollout-completed]' }, {})).toEqual([expect.stringMatching(/subscriptions annotation is not read/)]);
  });
});
