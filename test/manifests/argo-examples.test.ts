/**
 * Argo Rollouts' own manifests through `canary lint`: copies of argoproj/argo-rollouts at 9f8d111
 * (examples/ and test/e2e/, paths kept; the metric provider pages' AnalysisTemplates from
 * docs/analysis/, one file per block) in test/manifests/argo-examples/. Each row lints one example
 * as a user would (a folder, or a Rollout with the templates its e2e test applies next to it) and
 * gives every error expected, exactly: where, and the one message. An example that uses only
 * what canary implements lints clean; one that uses something canary does not gets one message per
 * unsupported feature, at the field, saying what to do instead, and nothing that follows from it.
 *
 * Not linted: examples/helm-blue-green (a Helm chart: manifests only once rendered), test/e2e/crds
 * (CRDs installed by Argo's e2e setup), test/e2e/step-plugin/argo-rollouts-config.yaml (the
 * controller's ConfigMap), test/e2e/istio/load-test-job.yaml (a Job), and the e2e templates whose
 * names the test fills in (functional/{bluegreen,canary}-duration-template.yaml,
 * functional/nginx-template.yaml, step-plugin/template-rollout.yaml).
 */
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const DIR = join(process.cwd(), 'test', 'manifests', 'argo-examples');

const router = (name: string) =>
  `not supported by canary: ${name} traffic routing: canary writes SMI TrafficSplits (trafficRouting.smi), Gateway API HTTPRoutes (trafficRouting.plugins["argoproj-labs/gatewayAPI"]), Istio VirtualServices (trafficRouting.istio), NGINX canary Ingresses (trafficRouting.nginx) or Traefik TraefikServices (trafficRouting.traefik)`;
const JOB_RESTART_POLICY = 'required for a Job: Never or OnFailure';
const PING_PONG = 'not supported by canary: ping-pong services are an ALB feature; canary keeps a stable and a canary Deployment';
const SCALE_DOWN_REVISION_LIMIT = 'not supported by canary: scaleDownDelayRevisionLimit: canary keeps at most one previous revision';
const ROLLBACK_WINDOW = 'not supported by canary: rollbackWindow: canary rolls back to the stable Deployment, which always holds the last promoted revision';
const STEP_PLUGIN = 'not supported by canary: step plugins are not supported';
const EXPERIMENT_KIND = 'Experiment: Experiments are not supported';
const ANALYSIS_RUN_KIND = 'AnalysisRun: canary creates its analysis runs itself: give it the AnalysisTemplate instead';

/** `file:line:col: path`, the message, and the other lines of the same unsupported feature. */
type Expected = [where: string, message: string, also?: string];
/** What to lint (paths under argo-examples/), every error expected, and how many warnings. */
type Row = [lint: string[], errors: Expected[], warnings?: number];

const rows: Row[] = [
  // The provider pages (docs/analysis/<page>-<n>.yaml: the page's n-th AnalysisTemplate): Argo's field
  // names and conditions as its users write them. Graphite's page says `results[0]`, which Argo's
  // expr environment (only `result`) refuses too.
  ...['cloudwatch-1', 'datadog-1', 'datadog-2', 'datadog-3', 'datadog-4', 'datadog-5', 'datadog-6', 'datadog-7', 'datadog-8', 'influxdb-1', 'job-1', 'newrelic-1', 'prometheus-3', 'web-7'].map(
    (page): Row => [[`docs/analysis/${page}.yaml`], []],
  ),
  [['docs/analysis/graphite-1.yaml'], [['docs/analysis/graphite-1.yaml:12:23: spec.metrics[0].successCondition', 'unknown name results']]],
  [['examples/ambassador'], [['examples/ambassador/rollout.yaml:28:9: spec.strategy.canary.trafficRouting.ambassador', router('Ambassador')]]],
  [['examples/analysis-templates.yaml'], []],
  [['examples/apisix'], [['examples/apisix/rollout.yaml:14:9: spec.strategy.canary.trafficRouting.apisix', router('APISIX')]]],
  [['examples/appmesh'], [['examples/appmesh/canary-rollout.yaml:49:9: spec.strategy.canary.trafficRouting.appMesh', router('App Mesh')]]],
  [['examples/cluster-analysis-templates.yaml'], []],
  [['examples/experiment-with-analysis.yaml', 'examples/analysis-templates.yaml'], [['examples/experiment-with-analysis.yaml:8:7: kind', EXPERIMENT_KIND]]],
  [['examples/istio/istio-mirror.yaml'], []],
  [['examples/istio/istio-subset-split.yaml'], []],
  // Subscriptions to on-scaling-replica-set and the custom on-purple: canary does not send them (the other three it honours).
  [['examples/notifications'], [], 2],
  [['examples/rollout-analysis-step.yaml', 'examples/analysis-templates.yaml', 'examples/cluster-analysis-templates.yaml'], []],
  [['examples/rollout-background-analysis.yaml', 'examples/analysis-templates.yaml'], []],
  [['examples/rollout-baseline-vs-canary.yaml'], [], 1],
  [['examples/rollout-bluegreen.yaml'], []],
  [['examples/rollout-canary-preview.yaml'], [], 1],
  [['examples/rollout-canary.yaml'], []],
  [['examples/rollout-experiment-step.yaml', 'examples/analysis-templates.yaml'], []],
  [['examples/rollout-rolling-update.yaml'], []],
  [['examples/rollout-secret.yaml'], []],
  [['examples/rollout-template-ref.yaml'], []],
  [['examples/traffic-management/rollout-linkerd.yaml'], [['examples/traffic-management/rollout-linkerd.yaml:101:38: spec.metrics[0].provider.job.spec.template.metadata.annotations["linkerd.io/inject"]', "{{args.linkerd-enabled}} without quotes is a YAML mapping, not text: quote it: \"{{args.linkerd-enabled}}\""]]],
  [['examples/traffic-management/job.yaml'], []],
  [['examples/traffic-routing-experiment-step/istio-host-split-experiment-step.yaml'], [], 1],
  [['examples/traffic-routing-experiment-step/rollout-alb-experiment-step.yaml'], [['examples/traffic-routing-experiment-step/rollout-alb-experiment-step.yaml:90:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]], 1],
  [['examples/traffic-routing-experiment-step/rollout-smi-experiment-step.yaml'], [], 1],
  [['examples/workload-ref'], []],
  [['test/e2e/alb/rollout-alb-experiment-no-setweight.yaml'], [['test/e2e/alb/rollout-alb-experiment-no-setweight.yaml:90:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/alb/rollout-alb-experiment.yaml'], [['test/e2e/alb/rollout-alb-experiment.yaml:90:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]], 1],
  [['test/e2e/alb/rollout-alb-multi-ingress-experiment-no-setweight.yaml'], [['test/e2e/alb/rollout-alb-multi-ingress-experiment-no-setweight.yaml:108:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/alb/rollout-alb-multi-ingress-experiment.yaml'], [['test/e2e/alb/rollout-alb-multi-ingress-experiment.yaml:108:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]], 1],
  [['test/e2e/apisix/rollout-apisix-canary-set-header.yaml'], [['test/e2e/apisix/rollout-apisix-canary-set-header.yaml:71:9: spec.strategy.canary.trafficRouting.apisix', router('APISIX')]]],
  [['test/e2e/apisix/rollout-apisix-canary.yaml'], [['test/e2e/apisix/rollout-apisix-canary.yaml:68:9: spec.strategy.canary.trafficRouting.apisix', router('APISIX')]]],
  [['test/e2e/appmesh/appmesh-canary-rollout.yaml'], [['test/e2e/appmesh/appmesh-canary-rollout.yaml:153:9: spec.strategy.canary.trafficRouting.appMesh', router('App Mesh')]]],
  [['test/e2e/expectedfailures/analysis-run-failfast.yaml'], [['test/e2e/expectedfailures/analysis-run-failfast.yaml:19:1', "invalid YAML: A block sequence may not be used as an implicit map key"]]],
  [['test/e2e/expectedfailures/analysis-run-prometheus-bad-server.yaml'], [['test/e2e/expectedfailures/analysis-run-prometheus-bad-server.yaml:1:7: kind', ANALYSIS_RUN_KIND]]],
  [['test/e2e/expectedfailures/experiment-degrade.yaml'], [['test/e2e/expectedfailures/experiment-degrade.yaml:2:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/expectedfailures/experiment-error-template-missing.yaml'], [['test/e2e/expectedfailures/experiment-error-template-missing.yaml:2:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/expectedfailures/experiment-failed-analysis.yaml'], [['test/e2e/expectedfailures/experiment-failed-analysis.yaml:22:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/expectedfailures/experiment-invalid.yaml'], [['test/e2e/expectedfailures/experiment-invalid.yaml:2:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/expectedfailures/malformed-analysisrun.yaml'], [['test/e2e/expectedfailures/malformed-analysisrun.yaml:1:7: kind', ANALYSIS_RUN_KIND]]],
  [['test/e2e/expectedfailures/malformed-analysistemplate.yaml'], [['test/e2e/expectedfailures/malformed-analysistemplate.yaml:13:15: spec.metrics[0].provider.job.spec.template.spec.restartPolicy', JOB_RESTART_POLICY]]],
  [['test/e2e/expectedfailures/malformed-clusteranalysistemplate.yaml'], [['test/e2e/expectedfailures/malformed-clusteranalysistemplate.yaml:13:15: spec.metrics[0].provider.job.spec.template.spec.restartPolicy', JOB_RESTART_POLICY]]],
  [['test/e2e/expectedfailures/malformed-experiment.yaml'], [['test/e2e/expectedfailures/malformed-experiment.yaml:2:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/expectedfailures/malformed-rollout-ephemeral.yaml'], []],
  [['test/e2e/expectedfailures/malformed-rollout.yaml'], []],
  [['test/e2e/functional/alb-bluegreen-rollout.yaml'], []],
  [['test/e2e/functional/alb-canary-multi-ingress-rollout.yaml'], [['test/e2e/functional/alb-canary-multi-ingress-rollout.yaml:108:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/functional/alb-canary-rollout.yaml'], [['test/e2e/functional/alb-canary-rollout.yaml:90:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/functional/alb-pingpong-multi-ingress-rollout.yaml'], [['test/e2e/functional/alb-pingpong-multi-ingress-rollout.yaml:94:7: spec.strategy.canary.pingPong', PING_PONG], ['test/e2e/functional/alb-pingpong-multi-ingress-rollout.yaml:98:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/functional/alb-pingpong-rollout.yaml'], [['test/e2e/functional/alb-pingpong-rollout.yaml:76:7: spec.strategy.canary.pingPong', PING_PONG], ['test/e2e/functional/alb-pingpong-rollout.yaml:80:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/functional/albmesh-pingpong-stablecanary-rollout.yaml'], [['test/e2e/functional/albmesh-pingpong-stablecanary-rollout.yaml:107:7: spec.strategy.canary.pingPong', PING_PONG], ['test/e2e/functional/albmesh-pingpong-stablecanary-rollout.yaml:111:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/functional/analysis-run-job.yaml'], [['test/e2e/functional/analysis-run-job.yaml:1:7: kind', ANALYSIS_RUN_KIND]]],
  [['test/e2e/functional/canary-dynamic-stable-scale-abort-delay.yaml'], [['test/e2e/functional/canary-dynamic-stable-scale-abort-delay.yaml:98:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/functional/canary-dynamic-stable-scale.yaml'], [['test/e2e/functional/canary-dynamic-stable-scale.yaml:97:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/functional/canary-scaledowndelay.yaml'], [['test/e2e/functional/canary-scaledowndelay.yaml:87:7: spec.strategy.canary.scaleDownDelayRevisionLimit', SCALE_DOWN_REVISION_LIMIT], ['test/e2e/functional/canary-scaledowndelay.yaml:91:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/functional/canary-scaledownonabort.yaml'], [['test/e2e/functional/canary-scaledownonabort.yaml:88:7: spec.strategy.canary.scaleDownDelayRevisionLimit', SCALE_DOWN_REVISION_LIMIT], ['test/e2e/functional/canary-scaledownonabort.yaml:96:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/functional/canary-scaledownonabortnotrafficrouting.yaml'], []],
  [['test/e2e/functional/canary-unscaledownonabort.yaml'], [['test/e2e/functional/canary-unscaledownonabort.yaml:88:7: spec.strategy.canary.scaleDownDelayRevisionLimit', SCALE_DOWN_REVISION_LIMIT], ['test/e2e/functional/canary-unscaledownonabort.yaml:96:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/functional/ephemeral-labels.yaml'], []],
  [['test/e2e/functional/experiment-basic.yaml'], [['test/e2e/functional/experiment-basic.yaml:2:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/functional/experiment-dry-run-analysis.yaml'], [['test/e2e/functional/experiment-dry-run-analysis.yaml:22:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/functional/experiment-measurement-retention-analysis.yaml'], [['test/e2e/functional/experiment-measurement-retention-analysis.yaml:25:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/functional/experiment-same-template.yaml'], [['test/e2e/functional/experiment-same-template.yaml:2:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/functional/experiment-with-multiport-service.yaml'], [['test/e2e/functional/experiment-with-multiport-service.yaml:2:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/functional/experiment-with-service-name.yaml'], [['test/e2e/functional/experiment-with-service-name.yaml:2:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/functional/experiment-with-service.yaml'], [['test/e2e/functional/experiment-with-service.yaml:2:7: kind', EXPERIMENT_KIND]]],
  [['test/e2e/functional/rollout-background-analysis.yaml', 'test/e2e/functional/analysistemplate-web-background.yaml'], []],
  [['test/e2e/functional/rollout-background-analysis-inconclusive.yaml', 'test/e2e/functional/analysistemplate-web-background-inconclusive.yaml'], []],
  [['test/e2e/functional/rollout-background-invalid-job.yaml', 'test/e2e/functional/analysistemplate-invalid-image-job.yaml', 'test/e2e/functional/analysistemplate-long-running-job.yaml'], []],
  [['test/e2e/functional/rollout-background-long-running-job-deadline.yaml', 'test/e2e/functional/analysistemplate-long-running-job-deadline.yaml'], []],
  [['test/e2e/functional/rollout-background-long-running-job.yaml', 'test/e2e/functional/analysistemplate-long-running-job.yaml'], []],
  [['test/e2e/functional/rollout-basic.yaml'], []],
  [['test/e2e/functional/rollout-bg-analysis-withArgs.yaml'], []],
  [['test/e2e/functional/rollout-bluegreen.yaml'], []],
  [['test/e2e/functional/rollout-canary-with-pause.yaml'], []],
  [['test/e2e/functional/rollout-degraded-inline-multiple-analysis.yaml', 'test/e2e/functional/analysistemplate-fail-multiple-job.yaml'], []],
  [['test/e2e/functional/rollout-experiment-analysis.yaml'], []],
  [['test/e2e/functional/rollout-inline-analysis.yaml', 'test/e2e/functional/analysistemplate-sleep-job.yaml'], []],
  [['test/e2e/functional/rollout-inline-invalid-image-job.yaml', 'test/e2e/functional/analysistemplate-invalid-image-job.yaml'], []],
  [['test/e2e/functional/rollout-inline-long-running-job-deadline.yaml', 'test/e2e/functional/analysistemplate-long-running-job-deadline.yaml'], []],
  [['test/e2e/functional/rollout-inline-multiple-analysis.yaml', 'test/e2e/functional/analysistemplate-multiple-job.yaml'], []],
  [['test/e2e/functional/rollout-rollback-window.yaml', 'test/e2e/functional/analysistemplate-sleep-job.yaml'], [['test/e2e/functional/rollout-rollback-window.yaml:7:3: spec.rollbackWindow', ROLLBACK_WINDOW]]],
  [['test/e2e/functional/rollout-secret-withArgs.yaml'], []],
  [['test/e2e/functional/rollout-secret.yaml'], []],
  [['test/e2e/header-routing/alb-header-route-multi-ingress.yaml'], [['test/e2e/header-routing/alb-header-route-multi-ingress.yaml:94:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/header-routing/alb-header-route.yaml'], [['test/e2e/header-routing/alb-header-route.yaml:77:9: spec.strategy.canary.trafficRouting.alb', router('ALB')]]],
  [['test/e2e/header-routing/istio-hr-host.yaml'], []],
  [['test/e2e/istio/istio-host-http-tls-split.yaml'], []],
  [['test/e2e/istio/istio-host-only-tls-split.yaml'], []],
  [['test/e2e/istio/istio-host-split-experiment-step.yaml'], [], 1],
  [['test/e2e/istio/istio-host-split-ping-pong.yaml'], [['test/e2e/istio/istio-host-split-ping-pong.yaml:54:7: spec.strategy.canary.pingPong', PING_PONG], ['test/e2e/istio/istio-host-split-ping-pong.yaml:59:11: spec.strategy.canary.trafficRouting.istio', 'traffic routing needs both canaryService and stableService: set them in spec.strategy.canary']]],
  [['test/e2e/istio/istio-host-split-update-in-middle.yaml'], []],
  [['test/e2e/istio/istio-host-split.yaml'], []],
  [['test/e2e/istio/istio-rollout-abort-delete-all-canary-pods.yaml'], []],
  [['test/e2e/istio/istio-subset-split-experiment-step.yaml'], [], 1],
  [['test/e2e/istio/istio-subset-split-in-stable-downscale-after-canary-abort.yaml'], []],
  [['test/e2e/istio/istio-subset-split-single-route.yaml'], []],
  [['test/e2e/istio/istio-subset-split.yaml'], []],
  [['test/e2e/mirror-route/istio-mirror-host.yaml'], []],
  [['test/e2e/smi/rollout-smi-experiment.yaml'], [], 1],
  [['test/e2e/smi_ingress/rollout-smi-ingress-canary.yaml'], [['test/e2e/smi_ingress/rollout-smi-ingress-canary.yaml:62:9: spec.strategy.canary.trafficRouting.nginx', 'set one router: smi and nginx are both set (canary writes the weights of one router per Rollout)']]],
  [['test/e2e/step-plugin/disabled-rollout.yaml'], [['test/e2e/step-plugin/disabled-rollout.yaml:12:11: spec.strategy.canary.steps[0].plugin', STEP_PLUGIN, 'also at line 16']]],
  [['test/e2e/step-plugin/invalid-rollout.yaml'], [['test/e2e/step-plugin/invalid-rollout.yaml:13:11: spec.strategy.canary.steps[0].plugin', STEP_PLUGIN]]],
];

describe('canary lint on Argo Rollouts\' examples and e2e manifests (argoproj/argo-rollouts@9f8d111)', () => {
  it.each(rows)('%p', async (paths, expected, warnings = 0) => {
    const r = await runCli(['lint', ...paths.map((p) => join(DIR, p))], { cwd: DIR });
    const [errorPart, warningPart = ''] = r.stdout.split(/^warnings:$/m);
    const errors = (errorPart ?? '').split('\n').filter((l) => /^\S+:\d+:\d+: /.test(l));
    expect(errors).toEqual(expected.map(([where, message, also]) => `${where}: ${message}${also ? ` (${also})` : ''}`));
    expect(warningPart.split('\n').filter((l) => /^ {2}\S+:\d+:\d+: /.test(l))).toHaveLength(warnings);
    expect(r.code).toBe(expected.length ? 2 : 0);
    expect(r.stderr).toBe('');
  });
});
