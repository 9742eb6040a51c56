/** `canary lint` end to end in-process: the seed, broken inputs, and the JSON form. */
import { mkdtemp, open, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'canary-lint-'));
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, content);
  return p;
}

describe('canary lint', () => {
  it('passes the seed article manifests verbatim', async () => {
    const r = await runCli(['lint', 'examples/seed/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 errors, 0 warnings in 3 files (1 Rollout, 1 AnalysisTemplate, 3 Services)');
  });

  it('passes the header and mirror route example (Gateway API)', async () => {
    const r = await runCli(['lint', 'examples/gateway-api-header/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 errors, 0 warnings in 1 file (1 Rollout');
  });

  it('refuses a header route on an SMI Rollout at the step\'s line (SMI has no header routes)', async () => {
    const seed = await readFile('examples/seed/rollout.yaml', 'utf8');
    const text = seed
      .replace('      trafficRouting:\n', '      trafficRouting:\n        managedRoutes: [{name: testers}]\n')
      .replace('        - setWeight: 10\n', "        - setHeaderRoute: {name: testers, match: [{headerName: X-Canary, headerValue: {exact: 'yes'}}]}\n        - setWeight: 10\n");
    expect(text).toContain('setHeaderRoute');
    const broken = await file('smi-header.yaml', text);
    const r = await runCli(['lint', broken, 'examples/seed/analysis-template.yaml']);
    expect(r.code).toBe(2);
    const line = text.split('\n').findIndex((l) => l.includes('setHeaderRoute')) + 1;
    expect(r.stdout).toMatch(new RegExp(`smi-header\\.yaml:${line}:\\d+: spec\\.strategy\\.canary\\.steps\\[0\\]\\.setHeaderRoute: setHeaderRoute needs a router that writes header routes, and TrafficSplit has none \\(a TrafficSplit splits by weight only; SMI has no header routes`));
  });

  it('passes the demo repository manifests, reporting the Deployment it skips', async () => {
    const r = await runCli(['lint', 'examples/demo-repo/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('skipped apps/v1 Deployment apps/slow-cooker');
  });

  it('names the line of one broken field', async () => {
    const text = await readFile('examples/seed/rollout.yaml', 'utf8');
    const broken = await file('rollout.yaml', text.replace('setWeight: 40', 'setWeight: "forty"'));
    const r = await runCli(['lint', broken, 'examples/seed/analysis-template.yaml', 'examples/seed/services.yaml']);
    expect(r.code).toBe(2);
    const line = text.split('\n').findIndex((l) => l.includes('setWeight: 40')) + 1;
    expect(r.stdout).toContain(`rollout.yaml:${line}:22: spec.strategy.canary.steps[2].setWeight: expected a whole number, got the string "forty"`);
  });

  it('gives the same as data with -o json', async () => {
    const r = await runCli(['lint', 'examples/seed/', '-o', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.errors).toEqual([]);
    expect(report.read.rollouts).toEqual(['apps/myapp']);
    expect(report.read.templates).toEqual(['AnalysisTemplate/apps/success-rate-analysis']);
  });

  it('keeps warnings apart from errors and exits 0 on warnings only', async () => {
    const text = await readFile('examples/seed/analysis-template.yaml', 'utf8');
    const p = await file('no-address.yaml', text.replace(/\s+address: .*\n/, '\n'));
    const r = await runCli(['lint', 'examples/seed/rollout.yaml', p]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warnings:\n {2}.*no-address.yaml:\d+:\d+: spec.metrics\[0\].provider.prometheus: no address/);
  });
});

describe('bad input: exit 2, the file, the line and what to fix, never a stack trace', () => {
  const cases: [string, () => Promise<string[]>, RegExp][] = [
    ['malformed YAML', async () => [await file('bad.yaml', 'kind: Rollout\n  spec: [\n')], /bad\.yaml:\d+:\d+: invalid YAML/],
    ['a document that is not a mapping', async () => [await file('list.yaml', '- a\n- b\n')], /list\.yaml:1:1: a manifest must be a mapping with apiVersion and kind, this document is a list/],
    ['a mapping without apiVersion', async () => [await file('noapi.yaml', 'kind: Rollout\n')], /noapi\.yaml:1:1: not a Kubernetes manifest: apiVersion missing/],
    ['wrong types', async () => [await file('types.yaml', (await readFile('examples/seed/rollout.yaml', 'utf8')).replace('replicas: 1', 'replicas: [1]'))], /types\.yaml:7:13: spec\.replicas: expected a whole number, got a list/],
    ['an unknown Argo kind', async () => [await file('exp.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Experiment\nmetadata: {name: x}\n')], /exp\.yaml:2:7: kind: Experiment: Experiments are not supported/],
    ['a missing file', async () => [join(dir, 'nope.yaml')], /nope\.yaml:1:1: no such file or directory/],
    ['a directory with no YAML', async () => {
      const d = join(dir, 'empty');
      await mkdir(d, { recursive: true });
      await writeFile(join(d, 'README.md'), '# nothing');
      return [d];
    }, /empty:1:1: no \.yaml, \.yml or \.json files in this directory/],
    ['a 50 MB file', async () => {
      const p = join(dir, 'huge.yaml');
      const h = await open(p, 'w');
      await h.truncate(50 * 1024 * 1024);
      await h.close();
      return [p];
    }, /huge\.yaml:1:1: file is 50\.0 MiB, over the 4\.0 MiB limit for a manifest/],
    ['a binary file', async () => [await file('bin.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]))], /bin\.yaml:1:1: not a text file/],
    ['duplicate metric names', async () => {
      const t = await readFile('examples/seed/analysis-template.yaml', 'utf8');
      const metric = t.slice(t.indexOf('    - name: success-rate'));
      return [await file('dup.yaml', t + metric)];
    }, /dup\.yaml:\d+:\d+: spec\.metrics\[1\]\.name: duplicate metric name "success-rate"/],
    ['a template referenced but absent', async () => ['examples/seed/rollout.yaml'], /rollout\.yaml:17:27: spec\.strategy\.canary\.analysis\.templates\[0\]\.templateName: background analysis: AnalysisTemplate "success-rate-analysis" not found in the files given \(namespace apps\): add its manifest/],
  ];

  it.each(cases)('%s', async (_name, make, expected) => {
    const r = await runCli(['lint', ...(await make())]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(expected);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  });

  it('an unknown flag is a usage error', async () => {
    const r = await runCli(['lint', '--bogus', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
  });
});

/**
 * Issue 13 items 8-15: lint against Argo's own manifests. Each case goes through `canary lint`
 * (the same main() as the binary) and checks the whole list of errors, so a cascade shows up.
 */
describe('Argo conformance (issue 13)', () => {
  let seed: string;
  let template: string;
  let services: string;
  beforeAll(async () => {
    seed = await readFile('examples/seed/rollout.yaml', 'utf8');
    template = await readFile('examples/seed/analysis-template.yaml', 'utf8');
    services = await readFile('examples/seed/services.yaml', 'utf8');
  });

  /** Lints `text` (with the seed's template, and optionally its Services) and returns the located errors. */
  async function lintText(name: string, text: string, extra: string[] = [], args: string[] = [], t = template) {
    const r = await runCli(['lint', await file(name, text), await file(`${name}-template.yaml`, t), ...extra, ...args]);
    const errs = r.stdout.split('\n').filter((l) => new RegExp(`^${name.replace('.', '\\.')}:\\d+:\\d+: `).test(l.replace(/^.*\//, '')) || /^\S+:\d+:\d+: /.test(l));
    return { ...r, errs };
  }
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  describe('item 8: one true problem for an unsupported router or workloadRef', () => {
    it('ambassador with setCanaryScale and scaleDownDelaySeconds: only the router, saying what to use', async () => {
      const text = seed
        .replace('      trafficRouting:\n        smi:\n          rootService: myapp\n', '      scaleDownDelaySeconds: 10\n      dynamicStableScale: false\n      trafficRouting:\n        ambassador:\n          mappings: [myapp]\n')
        .replace('        - setWeight: 10\n', '        - setCanaryScale: {replicas: 1}\n        - setWeight: 10\n');
      const r = await lintText('ambassador.yaml', text);
      expect(r.code).toBe(2);
      expect(r.errs).toEqual([
        `${r.errs[0]!.split(':')[0]}:${lineOf(text, 'ambassador:')}:9: spec.strategy.canary.trafficRouting.ambassador: not supported by canary: Ambassador traffic routing: canary writes SMI TrafficSplits (trafficRouting.smi), Gateway API HTTPRoutes (trafficRouting.plugins["argoproj-labs/gatewayAPI"]), Istio VirtualServices (trafficRouting.istio), NGINX canary Ingresses (trafficRouting.nginx) or Traefik TraefikServices (trafficRouting.traefik)`,
      ]);
    });

    it('workloadRef without selector and template: clean, the Deployment (read at run time) gives them', async () => {
      const text = seed.slice(0, seed.indexOf('  selector:')).replace('  replicas: 1\n', '  replicas: 1\n  workloadRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: myapp\n');
      const r = await lintText('workload.yaml', text);
      expect(r.errs).toEqual([]);
      expect(r.code).toBe(0);
    });

    it('a blue-green Rollout: clean', async () => {
      const text = seed.slice(0, seed.indexOf('  strategy:')) + '  strategy:\n    blueGreen:\n      activeService: myapp\n' + seed.slice(seed.indexOf('  selector:'));
      const r = await lintText('bluegreen.yaml', text);
      expect(r.errs).toEqual([]);
      expect(r.code).toBe(0);
    });
  });

  it('item 9: Services without metadata.namespace take the namespace the command uses (-n, else the Rollout\'s)', async () => {
    const bare = services.replace(/\n  namespace: apps/g, '');
    expect(bare).not.toContain('namespace:');
    const r = await lintText('ns.yaml', seed, [await file('bare-services.yaml', bare)]);
    expect(r.errs).toEqual([]);
    expect(r.code).toBe(0);
    const bareTemplate = template.replace('  namespace: apps\n', '');
    const inOther = await lintText('ns-other.yaml', seed.replace('namespace: apps', 'namespace: default'), [await file('bare-services.yaml', bare)], [], bareTemplate);
    expect(inOther.errs).toEqual([]);
    const elsewhere = await lintText('ns-n.yaml', seed.replace('  namespace: apps\n', ''), [await file('bare-services.yaml', bare)], ['-n', 'shop'], bareTemplate);
    expect(elsewhere.errs).toEqual([]);
  });

  describe('item 10: setCanaryScale shares a step with setWeight or pause (Argo hasMultipleStepsType)', () => {
    it.each([
      ['{setWeight: 20, setCanaryScale: {replicas: 1}}'],
      ['{pause: {duration: 10s}, setCanaryScale: {weight: 50}}'],
      ['{pause: {}, setCanaryScale: {matchTrafficWeight: true}}'],
    ])('%s is clean', async (step) => {
      const r = await lintText('combined.yaml', seed.replace('        - setWeight: 40\n', `        - ${step}\n`));
      expect(r.errs).toEqual([]);
      expect(r.code).toBe(0);
    });

    it.each([
      ['{setWeight: 20, pause: {}}', /steps\[2\]: a step has one of setWeight, pause, experiment or analysis, this one has setWeight and pause: split it into separate steps$/],
      ['{analysis: {templates: [{templateName: success-rate-analysis}]}, setCanaryScale: {replicas: 1}}', /steps\[2\]\.setCanaryScale: setCanaryScale in an analysis step is not supported: .*put setCanaryScale in a step of its own before the analysis$/],
    ])('%s is refused, once', async (step, expected) => {
      const r = await lintText('combined-bad.yaml', seed.replace('        - setWeight: 40\n', `        - ${step}\n`));
      expect(r.code).toBe(2);
      expect(r.errs).toEqual([expect.stringMatching(expected)]);
    });
  });

  it('item 11: startingStep equal to the number of steps is accepted; past it is not', async () => {
    const at = (n: number) => seed.replace('      analysis:\n        templates:', `      analysis:\n        startingStep: ${n}\n        templates:`);
    expect((await lintText('start-9.yaml', at(9))).errs).toEqual([]);
    const past = await lintText('start-10.yaml', at(10));
    expect(past.errs).toEqual([expect.stringMatching(/spec\.strategy\.canary\.analysis\.startingStep: startingStep 10 is past the end of the steps \(there are 9; 9 starts the analysis when they are done\)/)]);
  });

  describe('item 12: nothing to check is an error', () => {
    it.each([
      ['an empty file', async () => [await file('empty.yaml', '')]],
      ['only comments', async () => [await file('comments.yaml', '# nothing here\n---\n# nor here\n')]],
      ['a folder of unrelated YAML', async () => {
        const d = join(dir, 'unrelated');
        await mkdir(d, { recursive: true });
        await writeFile(join(d, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n');
        await writeFile(join(d, 'svc.yaml'), services);
        return [d];
      }],
    ])('%s: exit 2, saying no Rollout or AnalysisTemplate was found', async (_what, make) => {
      const r = await runCli(['lint', ...(await make())]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/:1:1: no Rollout, AnalysisTemplate or ClusterAnalysisTemplate in the (file|\d+ files) given: nothing to check; is this the right path\?/);
    });

    it('a lone AnalysisTemplate is something to check', async () => {
      const r = await runCli(['lint', 'examples/seed/analysis-template.yaml']);
      expect(r.code).toBe(0);
    });
  });

  it('item 13: canaryService equal to stableService is reported at stableService', async () => {
    const text = seed.replace('canaryService: "myapp-canary"', 'canaryService: "myapp-stable"');
    const r = await lintText('same.yaml', text);
    expect(r.errs).toEqual([expect.stringMatching(new RegExp(`:${lineOf(text, 'stableService:')}:22: spec\\.strategy\\.canary\\.stableService: canaryService and stableService are both "myapp-stable"`))]);
  });

  it('item 14: an unquoted {{args.x}} is a lint problem at its line, and nothing is written to stderr by Node', async () => {
    const { jest } = await import('@jest/globals');
    const warn = jest.spyOn(process, 'emitWarning');
    try {
      const t = template.replace('address: http://prometheus-server.monitoring.svc.cluster.local:80', 'address: http://prometheus-server.monitoring.svc.cluster.local:80\n          headers:\n            - {key: X-Scope-OrgID, value: {{args.from}}}');
      const r = await runCli(['lint', 'examples/seed/rollout.yaml', await file('flow.yaml', t)]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(new RegExp(`flow\\.yaml:${lineOf(t, 'X-Scope-OrgID')}:\\d+: spec\\.metrics\\[0\\]\\.provider\\.prometheus\\.headers\\[0\\]\\.value: \\{\\{args\\.from\\}\\} without quotes is a YAML mapping, not text: quote it: "\\{\\{args\\.from\\}\\}"`));
      expect(r.stdout.match(/^\S+:\d+:\d+: /gm)).toHaveLength(1);
      expect(r.stderr).toBe('');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('item 15 / issue 16 item 11: subscriptions to the triggers canary sends are honoured silently; others are warned about, exit 0', async () => {
    const subscribe = (trigger: string) => `    notifications.argoproj.io/subscribe.${trigger}.slack: my-channel\n`;
    const text = seed.replace('  namespace: apps\n', `  namespace: apps\n  annotations:\n${subscribe('on-rollout-completed')}${subscribe('on-scaling-replica-set')}`);
    const r = await lintText('notify.yaml', text);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/subscribe\.on-rollout-completed/);
    expect(r.stdout).toMatch(/warnings:\n {2}\S+notify\.yaml:8:5: metadata\.annotations\["notifications\.argoproj\.io\/subscribe\.on-scaling-replica-set\.slack"\]: canary does not send trigger on-scaling-replica-set: this subscription has no effect/);
  });
});

describe('each provider example with one field broken: the error at its file:line:col and field path (issue 20)', () => {
  it.each([
    ['datadog.yaml', 'aggregator: sum', 'aggregator: median', 'aggregator: ', 'spec.metrics[0].provider.datadog.aggregator: "median" is not an aggregator: use one of avg, min, max, sum, last, percentile, mean, l2norm, area'],
    ['newrelic.yaml', '        newRelic:\n', '        newRelic:\n          timeout: -5\n', 'timeout: ', 'spec.metrics[0].provider.newRelic.timeout: must be at least 0, got -5'],
    ['cloudwatch.yaml', '- id: errors', '- id: rate', '- id: ', 'spec.metrics[0].provider.cloudWatch.metricDataQueries[1].id: duplicate id "rate": GetMetricData needs unique ids'],
    ['graphite.yaml', 'address: "{{args.graphite-address}}"', 'address: "graphite:8080"', 'address: ', 'spec.metrics[0].provider.graphite.address: "graphite:8080" is not an http(s) URL: write it with a scheme and host, e.g. http://graphite.monitoring.svc:8080'],
    ['influxdb.yaml', '        influxdb:\n', '        influxdb:\n          profile: 7\n', 'profile: ', 'spec.metrics[0].provider.influxdb.profile: expected a string, got the number 7'],
    ['job.yaml', 'restartPolicy: Never', 'restartPolicy: Always', 'restartPolicy: ', 'spec.metrics[0].provider.job.spec.template.spec.restartPolicy: "Always" is not allowed for a Job: use Never or OnFailure'],
    ['amazon-managed-prometheus.yaml', 'region: eu-west-1', 'region: eu-west-1\n              roleArn: [x]', 'roleArn: ', 'spec.metrics[0].provider.prometheus.authentication.sigv4.roleArn: expected a string, got a list'],
  ])('%s', async (name, from, to, at, expected) => {
    const text = await readFile(`examples/providers/${name}`, 'utf8');
    expect(text).toContain(from);
    const broken = text.replace(from, to);
    const path = await file(name, broken);
    const r = await runCli(['lint', path]);
    // The broken line is the replacement's last line (its last occurrence: a duplicate id is reported at the second).
    const lines = broken.split('\n');
    const wanted = to.trimEnd().split('\n').pop()!.trim();
    const row = lines.map((l) => l.trim()).lastIndexOf(wanted) + 1;
    const col = lines[row - 1]!.indexOf(at) + at.length + 1;
    expect([r.code, r.stdout.split('\n')[0]]).toEqual([2, `${path}:${row}:${col}: ${expected}`]);
  });
});
