/**
 * Who holds a Lease or writes a request, in words a person can act on: `alice@laptop pid 4242`,
 * plus the CI job's URL when canary runs in GitHub Actions, GitLab CI, Buildkite or Jenkins.
 */
import { hostname, userInfo } from 'node:os';

export interface ProcessInfo {
  user: string;
  host: string;
  pid: number;
}

export function holderIdentity(env: NodeJS.ProcessEnv = process.env, info: ProcessInfo = thisProcess(env)): string {
  const url = ciJobUrl(env);
  return `${info.user}@${info.host} pid ${info.pid}${url ? ` ${url}` : ''}`;
}

/** Who asked for an abort, promote or retry: `alice@laptop`, plus the CI job's URL in parentheses. */
export function requesterIdentity(env: NodeJS.ProcessEnv = process.env, info: ProcessInfo = thisProcess(env)): string {
  const url = ciJobUrl(env);
  return `${info.user}@${info.host}${url ? ` (${url})` : ''}`;
}

/** The URL of the CI run or job this process belongs to, when the CI system says so. */
export function ciJobUrl(env: NodeJS.ProcessEnv): string | null {
  if (env['GITHUB_ACTIONS'] === 'true' && env['GITHUB_SERVER_URL'] && env['GITHUB_REPOSITORY'] && env['GITHUB_RUN_ID']) {
    return `${env['GITHUB_SERVER_URL']}/${env['GITHUB_REPOSITORY']}/actions/runs/${env['GITHUB_RUN_ID']}`;
  }
  if (env['GITLAB_CI'] && env['CI_JOB_URL']) return env['CI_JOB_URL'];
  if (env['BUILDKITE'] && env['BUILDKITE_BUILD_URL']) return env['BUILDKITE_BUILD_URL'];
  if (env['JENKINS_URL'] && env['BUILD_URL']) return env['BUILD_URL'];
  return null;
}

function thisProcess(env: NodeJS.ProcessEnv): ProcessInfo {
  let user = env['USER'] ?? env['LOGNAME'] ?? 'unknown';
  try {
    user = userInfo().username || user;
  } catch {
    // no passwd entry for this uid (common in containers): keep the environment's answer
  }
  return { user, host: hostname(), pid: process.pid };
}
