// The core e2e scenarios against a real control plane (test/cluster: kube-apiserver, controller
// manager, etcd), canary running as examples/rbac.yaml's ServiceAccount. Which files and why the
// others stay sandbox-only: test/e2e/README.md.
import e2e from './jest.e2e.config.js';

export default {
  ...e2e,
  testPathIgnorePatterns: ['/node_modules/'],
  testMatch: [
    '**/run/seed.test.ts',
    '**/run/blue-green.test.ts',
    '**/steer/blue-green.test.ts',
    '**/run/workload-ref.test.ts',
    '**/run/gateway-api.test.ts',
    '**/run/gateway-api-header.test.ts',
    '**/run/istio.test.ts',
    '**/run/istio-header.test.ts',
    '**/run/nginx.test.ts',
    '**/run/traefik.test.ts',
    '**/run/progress-deadline.test.ts',
    '**/run/experiment.test.ts',
    '**/run/experiment-weights.test.ts',
    '**/steer/abort.test.ts',
    '**/steer/promote.test.ts',
    '**/resilience/crash-resume.test.ts',
    '**/resilience/signals.test.ts',
    '**/resilience/prometheus-down.test.ts',
    '**/run/no-traffic.test.ts',
    '**/run/dry-run.test.ts',
    '**/run/job.test.ts',
    '**/analyze/analyze.test.ts',
    '**/tty/terminal.test.ts',
    '**/k8s/api-parity.test.ts',
  ],
};
