/**
 * The CloudWatch provider against a stub of CloudWatch's Query API on 127.0.0.1 (reached through
 * AWS_ENDPOINT_URL_CLOUDWATCH), as the CloudWatch API Reference documents GetMetricData: a SigV4-signed
 * form POST of `Action=GetMetricData&Version=2010-08-01`, StartTime, EndTime and
 * `MetricDataQueries.member.N...`; a `GetMetricDataResponse` with `MetricDataResults` members
 * (Id, Label, StatusCode, Timestamps, Values). Phases as Argo's (argoproj/argo-rollouts
 * metricproviders/cloudwatch/cloudwatch_test.go TestRunSuccessfully, TestRunWithQueryError).
 */
import { evaluateResult } from '../../src/analysis/evaluate.js';
import { cloudWatch } from '../../src/providers/cloudwatch.js';
import type { CloudWatchSpec } from '../../src/manifests/types.js';
import { CTX, expectError, expectOk, never, NOW, providerEnv } from './provider-env.js';
import { startServer, type TestServer } from './test-server.js';
import { authorization, errorXml, form, KEY, validSignature, xml } from './aws/aws-stub.js';

let server: TestServer;
beforeEach(async () => {
  server = await startServer();
});
afterEach(() => server.close());

const NS = 'http://monitoring.amazonaws.com/doc/2010-08-01/';
const spec = (overrides: Partial<CloudWatchSpec> = {}): CloudWatchSpec => ({
  kind: 'cloudWatch',
  interval: '5m',
  metricDataQueries: [
    { id: 'rate', expression: 'errors / requests', label: null, metricStat: null, period: 300, returnData: null },
    {
      id: 'errors', expression: null, label: 'Errors', period: null, returnData: false,
      metricStat: { metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_ELB_5XX_Count', dimensions: [{ name: 'LoadBalancer', value: 'app/my-lb/123' }] }, period: 300, stat: 'Sum', unit: 'Count' },
    },
  ],
  ...overrides,
});
const awsEnv = () => ({ AWS_ACCESS_KEY_ID: KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey, AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL_CLOUDWATCH: server.url, AWS_ENDPOINT_URL_STS: server.url, AWS_EC2_METADATA_DISABLED: 'true' });
const measure = (s: CloudWatchSpec, env: NodeJS.ProcessEnv = awsEnv()) => cloudWatch.create(providerEnv({ env }), {}).measure(s, never, CTX);
const response = (members: string) =>
  `<GetMetricDataResponse xmlns="${NS}">
  <GetMetricDataResult>
    <MetricDataResults>${members}</MetricDataResults>
    <Messages/>
  </GetMetricDataResult>
  <ResponseMetadata><RequestId>5ac0f1e5-0cfb-4eb6-8aae-d0df1e3c35a4</RequestId></ResponseMetadata>
</GetMetricDataResponse>`;
const member = (id: string, values: number[]) =>
  `<member><Id>${id}</Id><Label>${id}</Label><StatusCode>Complete</StatusCode><Timestamps>${values.map((_, i) => `<member>2026-01-01T11:5${i}:00Z</member>`).join('')}</Timestamps><Values>${values.map((v) => `<member>${v}</member>`).join('')}</Values><Messages/></member>`;

describe('cloudWatch provider (CloudWatch GetMetricData stub)', () => {
  it('signs a GetMetricData POST for service monitoring, with the window and every query flattened', async () => {
    server.handle((req, res) => (validSignature(req, { [KEY.accessKeyId]: KEY.secretAccessKey }) ? xml(res, 200, response(member('rate', [0.1, 0.2, 0.3]))) : xml(res, 403, errorXml('SignatureDoesNotMatch', 'no', NS))));
    const r = expectOk(await measure(spec()));
    expect(r.valueText).toBe('[[0.1 0.2 0.3]]');
    const req = server.requests[0]!;
    expect([req.method, req.path, req.headers['content-type']]).toEqual(['POST', '/', 'application/x-www-form-urlencoded; charset=utf-8']);
    expect(authorization(req)).toMatchObject({ accessKeyId: KEY.accessKeyId, date: '20260101', region: 'us-west-2', service: 'monitoring' });
    expect(Object.fromEntries(form(req))).toEqual({
      Action: 'GetMetricData',
      Version: '2010-08-01',
      StartTime: new Date(NOW - 300_000).toISOString(),
      EndTime: new Date(NOW).toISOString(),
      'MetricDataQueries.member.1.Id': 'rate',
      'MetricDataQueries.member.1.Expression': 'errors / requests',
      'MetricDataQueries.member.1.Period': '300',
      'MetricDataQueries.member.2.Id': 'errors',
      'MetricDataQueries.member.2.Label': 'Errors',
      'MetricDataQueries.member.2.MetricStat.Metric.Namespace': 'AWS/ApplicationELB',
      'MetricDataQueries.member.2.MetricStat.Metric.MetricName': 'HTTPCode_ELB_5XX_Count',
      'MetricDataQueries.member.2.MetricStat.Metric.Dimensions.member.1.Name': 'LoadBalancer',
      'MetricDataQueries.member.2.MetricStat.Metric.Dimensions.member.1.Value': 'app/my-lb/123',
      'MetricDataQueries.member.2.MetricStat.Period': '300',
      'MetricDataQueries.member.2.MetricStat.Stat': 'Sum',
      'MetricDataQueries.member.2.MetricStat.Unit': 'Count',
      'MetricDataQueries.member.2.ReturnData': 'false',
    });
  });

  it('the result has the SDK\'s field names, so Argo\'s conditions work unchanged (TestRunSuccessfully)', async () => {
    server.handle((_req, res) => xml(res, 200, response(member('rate', [0.1, 0.2, 0.3]))));
    const r = expectOk(await measure(spec()));
    const conditions = { successCondition: 'result[0].Values[0] == 0.1', failureCondition: 'result[0].Values[0] != 0.1' };
    expect(evaluateResult(r.value, conditions, NOW).phase).toBe('Successful');
    expect(evaluateResult(r.value, { successCondition: 'len(result[0].Values) > 0 && result[0].Values[0] <= 0.01', failureCondition: null }, NOW).phase).toBe('Failed');
    expect(evaluateResult(r.value, { successCondition: 'result[0].Id == "rate" && result[0].StatusCode == "Complete" && len(result[0].Timestamps) == 3', failureCondition: null }, NOW).phase).toBe('Successful');
  });

  it('no data is an empty Values list, and several results print as Go prints [][]float64', async () => {
    server.handle((_req, res) => xml(res, 200, response(member('a', []) + member('b', [1.5, 2]))));
    const r = expectOk(await measure(spec()));
    expect(r.valueText).toBe('[[] [1.5 2]]');
    expect(evaluateResult(r.value, { successCondition: 'len(result[0].Values) == 0', failureCondition: null }, NOW).phase).toBe('Successful');
  });

  it('an API error is the measurement\'s error (TestRunWithQueryError)', async () => {
    server.handle((_req, res) => xml(res, 400, errorXml('InvalidParameterValue', 'The values for parameter id in MetricDataQueries are not unique.', NS)));
    expect(expectError(await measure(spec()))).toBe(`CloudWatch ${server.url}: GetMetricData failed: 400 InvalidParameterValue: The values for parameter id in MetricDataQueries are not unique.`);
  });

  it('without a region or credentials, says what to set and sends nothing', async () => {
    expect(expectError(await measure(spec(), { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' }))).toBe(
      'CloudWatch: no AWS region: set AWS_REGION (or region in the AWS profile)',
    );
    expect(expectError(await measure(spec(), { AWS_REGION: 'us-east-1', HOME: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' }))).toMatch(/^CloudWatch: no AWS credentials found: /);
    expect(server.requests).toHaveLength(0);
  });

  it('pings with STS GetCallerIdentity (no CloudWatch permission needed)', async () => {
    server.handle((_req, res) =>
      xml(res, 200, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`),
    );
    const r = await cloudWatch.create(providerEnv({ env: awsEnv() }), {}).ping(spec(), never);
    expect(r).toEqual({ ok: true, message: 'AWS credentials valid (arn:aws:iam::123456789012:user/ci, from environment (AWS_ACCESS_KEY_ID))' });
    expect(authorization(server.requests[0]!)).toMatchObject({ service: 'sts', region: 'us-west-2' });
    expect(form(server.requests[0]!).get('Action')).toBe('GetCallerIdentity');
  });
});
