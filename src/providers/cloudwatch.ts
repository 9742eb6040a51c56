/**
 * Argo's CloudWatch provider: GetMetricData over the last `interval` (default 5m), with AWS
 * credentials from the standard chain and the region of the AWS configuration, through the Query
 * API as the CloudWatch API Reference documents it (`POST https://monitoring.<region>.amazonaws.com/`,
 * `Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.N...`, SigV4 for service
 * `monitoring`, an XML answer). The result is the list of MetricDataResults with Argo's (the Go
 * SDK's) field names: `result[0].Values`, `.Timestamps`, `.Label`, `.Id`, `.StatusCode`.
 */
import { ExprTime, formatValue } from '../expr/index.js';
import { parseGoDuration } from '../expr/go-duration.js';
import type { CloudWatchQuery, CloudWatchSpec } from '../manifests/types.js';
import { AwsCredentialChain } from './aws/credential-chain.js';
import { queryApi } from './aws/query-api.js';
import { members, textAt, type XmlElement } from './aws/xml.js';
import type { ProviderDefinition, ProviderEnvironment } from './definition.js';
import { pingWithRetries, PING_TIMEOUT_MS } from './ping.js';
import { failed, measured } from './results.js';
import type { ProviderResult } from '../analysis/provider.js';

const TIMEOUT_MS = 30_000;

export const cloudWatch: ProviderDefinition<'cloudWatch', Record<string, never>> = {
  kind: 'cloudWatch',
  endpoint: () => 'cloudWatch (AWS credential chain)',
  describe: (spec) => `cloudWatch GetMetricData over the last ${spec.interval}\n  ${spec.metricDataQueries.map((q) => `${q.id}: ${q.expression ?? `${q.metricStat?.stat} of ${q.metricStat?.metric.namespace ?? ''}/${q.metricStat?.metric.metricName}`}`).join('\n  ')}`,
  permissions: () => [],
  create: (env) => {
    const aws = new AwsCredentialChain({ env: env.env, clock: env.clock });
    return {
      measure: (spec, signal) => getMetricData(env, aws, spec, signal),
      ping: async (_spec, signal) => {
        let who = '';
        const problem = await pingWithRetries(
          async () => {
            const r = await callerIdentity(env, aws, signal);
            if (r.ok) who = r.valueText;
            return r;
          },
          env.clock,
          signal,
        );
        return problem ? { ok: false, message: problem, hint: 'set AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID..., or a web identity) and AWS_REGION' } : { ok: true, message: `AWS credentials valid (${who})` };
      },
    };
  },
};

async function getMetricData(env: ProviderEnvironment, aws: AwsCredentialChain, spec: CloudWatchSpec, signal: AbortSignal): Promise<ProviderResult> {
  const window = parseGoDuration(spec.interval);
  if (!window.ok) return failed(`cloudWatch interval "${spec.interval}": ${window.message}`);
  const region = await aws.region(null, null);
  if (!region) return failed('CloudWatch: no AWS region: set AWS_REGION (or region in the AWS profile)');
  const found = await aws.credentials(null, null, region, signal);
  if (!found.ok) return failed(`CloudWatch: ${found.message}`);
  const endpoint = env.env.AWS_ENDPOINT_URL_CLOUDWATCH || env.env.AWS_ENDPOINT_URL || `https://monitoring.${region}.amazonaws.com`;
  const end = env.clock.now();
  const params: [string, string][] = [
    ['StartTime', new Date(end - window.nanoseconds / 1e6).toISOString()],
    ['EndTime', new Date(end).toISOString()],
    ...spec.metricDataQueries.flatMap((q, i) => queryParams(`MetricDataQueries.member.${i + 1}`, q)),
  ];
  const r = await queryApi(
    { label: `CloudWatch ${endpoint}`, endpoint, action: 'GetMetricData', version: '2010-08-01', params, signing: { credentials: found.credentials, region, service: 'monitoring' }, timeoutMs: TIMEOUT_MS },
    env.clock,
    signal,
  );
  if (!r.ok) return failed(r.message, {}, r.transient);
  const result = readResults(r.xml);
  const metadata: Record<string, string> = {};
  const messages = members(r.xml, 'GetMetricDataResponse', 'GetMetricDataResult', 'Messages').map(messageOf);
  if (messages.length > 0) metadata['messages'] = `[${messages.join(' ')}]`;
  return measured(result, formatValue(result.map((m) => m.Values)), metadata);
}

/** The Query API's flattened form of one MetricDataQuery. */
function queryParams(prefix: string, q: CloudWatchQuery): [string, string][] {
  const out: [string, string][] = [[`${prefix}.Id`, q.id]];
  if (q.expression !== null) out.push([`${prefix}.Expression`, q.expression]);
  if (q.label !== null) out.push([`${prefix}.Label`, q.label]);
  if (q.metricStat) {
    const s = q.metricStat;
    const m = `${prefix}.MetricStat.Metric`;
    if (s.metric.namespace !== null) out.push([`${m}.Namespace`, s.metric.namespace]);
    out.push([`${m}.MetricName`, s.metric.metricName]);
    s.metric.dimensions.forEach((d, j) => out.push([`${m}.Dimensions.member.${j + 1}.Name`, d.name], [`${m}.Dimensions.member.${j + 1}.Value`, d.value]));
    out.push([`${prefix}.MetricStat.Period`, String(s.period)], [`${prefix}.MetricStat.Stat`, s.stat]);
    if (s.unit !== null) out.push([`${prefix}.MetricStat.Unit`, s.unit]);
  }
  if (q.period !== null) out.push([`${prefix}.Period`, String(q.period)]);
  if (q.returnData !== null) out.push([`${prefix}.ReturnData`, String(q.returnData)]);
  return out;
}

export interface MetricDataResult {
  Id: string | null;
  Label: string | null;
  StatusCode: string;
  Timestamps: ExprTime[];
  Values: number[];
  Messages: { Code: string | null; Value: string | null }[];
}

function readResults(xml: XmlElement): MetricDataResult[] {
  return members(xml, 'GetMetricDataResponse', 'GetMetricDataResult', 'MetricDataResults').map((m) => ({
    Id: textAt(m, 'Id'),
    Label: textAt(m, 'Label'),
    StatusCode: textAt(m, 'StatusCode') ?? '',
    Timestamps: members(m, 'Timestamps').map((t) => new ExprTime(Date.parse(t.text))),
    Values: members(m, 'Values').map((v) => Number(v.text)),
    Messages: members(m, 'Messages').map((x) => ({ Code: textAt(x, 'Code'), Value: textAt(x, 'Value') })),
  }));
}

function messageOf(m: XmlElement): string {
  return `{Code:${textAt(m, 'Code') ?? ''} Value:${textAt(m, 'Value') ?? ''}}`;
}

/** STS GetCallerIdentity: proves the credentials before the release, without any CloudWatch permission. */
async function callerIdentity(env: ProviderEnvironment, aws: AwsCredentialChain, signal: AbortSignal): Promise<ProviderResult> {
  const region = await aws.region(null, null);
  if (!region) return failed('no AWS region: set AWS_REGION (or region in the AWS profile)');
  const found = await aws.credentials(null, null, region, signal);
  if (!found.ok) return failed(found.message);
  const endpoint = env.env.AWS_ENDPOINT_URL_STS || env.env.AWS_ENDPOINT_URL || `https://sts.${region}.amazonaws.com`;
  const r = await queryApi(
    { label: `STS ${endpoint}`, endpoint, action: 'GetCallerIdentity', version: '2011-06-15', params: [], signing: { credentials: found.credentials, region, service: 'sts' }, timeoutMs: PING_TIMEOUT_MS },
    env.clock,
    signal,
  );
  if (!r.ok) return failed(r.message, {}, r.transient);
  const arn = textAt(r.xml, 'GetCallerIdentityResponse', 'GetCallerIdentityResult', 'Arn') ?? 'unknown identity';
  return measured(arn, `${arn}, from ${found.source}`);
}
