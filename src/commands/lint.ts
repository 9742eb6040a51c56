/** `canary lint FILES...`: offline validation; exit 0 clean (warnings allowed), 2 on any error. */
import type { Outcome } from '../contract/outcome.js';
import { write, type Io } from '../contract/io.js';
import { parseOutput } from '../contract/options.js';
import type { Invocation } from '../contract/verb.js';
import { loadSpec } from '../manifests/index.js';
import { experimentWeightsRule } from '../routing/experiment-weights.js';
import { routeStepsRule } from '../routing/managed-routes.js';
import { lintReport, renderLintText } from '../manifests/report.js';

export default async function lint(inv: Invocation, io: Io): Promise<Outcome> {
  const output = parseOutput(inv.options.output as string | undefined, ['text', 'json']);
  const result = await loadSpec(
    inv.args,
    {
      namespace: inv.global.namespace ?? null,
      prometheusAddress: (inv.options.prometheusAddress as string | undefined) ?? io.env.ARGO_ROLLOUTS_PROMETHEUS_ADDRESS ?? null,
    },
    { recursive: Boolean(inv.options.recursive), cwd: io.cwd, rules: [routeStepsRule, experimentWeightsRule] },
  );
  const report = lintReport(result, inv.args);
  write(io.stdout, output === 'json' ? JSON.stringify(report, null, 2) : renderLintText(report, io.palette));
  return report.errors.length ? 'usage' : 'ok';
}
