/**
 * Argo's notification subscriptions, honoured: the Rollout's
 * `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipient>;<recipient>` annotations and
 * the `service.webhook.<name>` and `service.slack` entries of `argo-rollouts-notification-configmap`
 * (with `$key` values from `argo-rollouts-notification-secret`), as docs/features/notifications.md
 * and the notification services' pages of argoproj/argo-rollouts define them. Templates and custom
 * triggers are not rendered: a webhook gets canary's JSON event, Slack canary's message. Pure.
 */
import { parse } from 'yaml';
import { parseDuration } from '../util/duration.js';
import { DEFAULT_RETRY, displayUrl, urlSecrets, type Destination } from './destination.js';
import { SUBSCRIBE_PREFIX } from '../manifests/notification-config.js';
import { TRIGGERS, type Trigger } from './triggers.js';

export const CONFIGMAP = 'argo-rollouts-notification-configmap';
export const SECRET = 'argo-rollouts-notification-secret';

export interface ArgoNotifications {
  destinations: Destination[];
  /** What cannot be honoured, each said once when the run starts (and by lint). */
  problems: string[];
}

/** The subscriptions among a Rollout's annotations: [trigger, service, recipients]. */
export function subscriptionsOf(annotations: Record<string, string>): { trigger: string; service: string; recipients: string[]; key: string }[] {
  const out = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(SUBSCRIBE_PREFIX)) continue;
    const rest = key.slice(SUBSCRIBE_PREFIX.length);
    const dot = rest.indexOf('.');
    if (dot <= 0 || dot === rest.length - 1) continue;
    out.push({ key, trigger: rest.slice(0, dot), service: rest.slice(dot + 1), recipients: value.split(';').map((r) => r.trim()).filter(Boolean) });
  }
  return out;
}

/**
 * The destinations the annotations subscribe, from the ConfigMap's data (null: none found) and the
 * Secret's data (for `$key` values). `where` names the ConfigMap in messages.
 */
export function argoDestinations(annotations: Record<string, string>, config: Record<string, string> | null, secret: Record<string, string>, where: string): ArgoNotifications {
  const problems: string[] = [];
  const byLabel = new Map<string, Destination & { triggers: Set<Trigger> }>();
  const subs = subscriptionsOf(annotations);
  if (annotations['notifications.argoproj.io/subscriptions'] !== undefined) {
    problems.push('the notifications.argoproj.io/subscriptions annotation is not read: write one notifications.argoproj.io/subscribe.<trigger>.<service> annotation per trigger');
  }
  for (const sub of subs) {
    if (!(TRIGGERS as readonly string[]).includes(sub.trigger)) {
      problems.push(`${sub.key}: canary does not send trigger ${sub.trigger} (it sends ${TRIGGERS.join(', ')})`);
      continue;
    }
    if (!config) {
      problems.push(`${sub.key}: no ${CONFIGMAP} in the files or ${where}: nothing to send to`);
      continue;
    }
    const found = service(sub.service, config, secret, sub.recipients);
    if (typeof found === 'string') {
      problems.push(`${sub.key}: ${found}`);
      continue;
    }
    for (const d of found) {
      const known = byLabel.get(d.label) ?? { ...d, triggers: new Set<Trigger>() };
      known.triggers.add(sub.trigger as Trigger);
      byLabel.set(d.label, known);
    }
  }
  return { destinations: [...byLabel.values()], problems: [...new Set(problems)] };
}

/** The destinations of one service for these recipients, or why there are none. */
function service(name: string, config: Record<string, string>, secret: Record<string, string>, recipients: string[]): Destination[] | string {
  const webhook = config[`service.webhook.${name}`];
  if (webhook !== undefined) return webhookService(name, read(webhook, secret));
  const own = config[`service.${name}`];
  if (own === undefined) return `no service ${name} in ${CONFIGMAP} (service.${name} or service.webhook.${name})`;
  if (name !== 'slack' && !name.startsWith('slack.')) return `service ${name}: canary delivers to webhook and slack services only`;
  return slackService(name, read(own, secret), recipients);
}

type Settings = Record<string, unknown>;

/** A service's YAML with `$key` replaced by the Secret's values (as the notifications engine does). */
function read(text: string, secret: Record<string, string>): Settings {
  const substituted = text.replace(/\$([\w-]+)/g, (whole, key: string) => (key in secret ? JSON.stringify(secret[key]).slice(1, -1) : whole));
  const value: unknown = parse(substituted);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Settings) : {};
}

function webhookService(name: string, s: Settings): Destination[] | string {
  const url = parseUrl(s.url);
  if (!url) return `service.webhook.${name}: url is missing or not an http(s) URL`;
  const headers: Record<string, string> = {};
  const secrets = urlSecrets(url);
  if (Array.isArray(s.headers)) {
    for (const h of s.headers as { name?: unknown; value?: unknown }[]) {
      if (typeof h?.name !== 'string') continue;
      headers[h.name] = String(h.value ?? '');
      secrets.push(String(h.value ?? ''));
    }
  }
  const basic = s.basicAuth as { username?: unknown; password?: unknown } | undefined;
  if (basic && typeof basic === 'object') {
    const user = String(basic.username ?? '');
    const password = String(basic.password ?? '');
    headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    secrets.push(password, headers.Authorization);
  }
  return [
    {
      label: `Argo service webhook.${name} ${displayUrl(url)}`,
      url: url.href,
      headers,
      format: 'json',
      insecure: s.insecureSkipVerify === true,
      triggers: new Set(),
      retry: {
        max: typeof s.retryMax === 'number' ? s.retryMax : DEFAULT_RETRY.max,
        waitMinMs: durationMs(s.retryWaitMin) ?? DEFAULT_RETRY.waitMinMs,
        waitMaxMs: durationMs(s.retryWaitMax) ?? DEFAULT_RETRY.waitMaxMs,
      },
      secrets: secrets.filter((v) => v.length >= 4),
    },
  ];
}

function slackService(name: string, s: Settings, recipients: string[]): Destination[] | string {
  if (typeof s.token !== 'string' || s.token === '' || s.token.startsWith('$')) return `service.${name}: token is missing (or its $key is not in ${SECRET})`;
  const api = parseUrl(s.apiURL ?? 'https://slack.com/api/');
  if (!api) return `service.${name}: apiURL is not an http(s) URL`;
  const base = api.href.endsWith('/') ? api.href : `${api.href}/`;
  const channels = recipients.length ? recipients : Array.isArray(s.channels) ? s.channels.map(String) : [];
  if (channels.length === 0) return `service.${name}: no channel (give it as the annotation's value, or service.${name}.channels)`;
  const extras: Record<string, string> = {};
  if (typeof s.username === 'string') extras.username = s.username;
  if (typeof s.icon === 'string') extras[/^https?:/.test(s.icon) ? 'icon_url' : 'icon_emoji'] = s.icon;
  return channels.map((channel) => ({
    label: `Argo service ${name}, channel ${channel}`,
    url: `${base}chat.postMessage`,
    headers: { Authorization: `Bearer ${s.token as string}` },
    format: 'slackApi' as const,
    channel,
    slackExtras: extras,
    insecure: s.insecureSkipVerify === true,
    triggers: new Set<Trigger>(),
    retry: { ...DEFAULT_RETRY },
    secrets: [s.token as string],
  }));
}

function parseUrl(v: unknown): URL | null {
  if (typeof v !== 'string') return null;
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function durationMs(v: unknown): number | null {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const d = parseDuration(String(v));
  return d.ok ? d.ms : null;
}
