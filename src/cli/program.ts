/**
 * The commander program: every verb, its flags and its help. Actions import their command module
 * lazily, so `canary --help` loads neither @kubernetes/client-node nor axios.
 */
import { Argument, Command, Option } from 'commander';
import type { OutStream } from '../contract/io.js';
import type { Outcome } from '../contract/outcome.js';
import type { GlobalOptions, Invocation } from '../contract/verb.js';
import { EXIT_CODE_HELP } from './exit-codes.js';
import { collect } from './options.js';

export type Dispatch = (inv: Invocation) => Promise<Outcome>;

const EXAMPLES: Record<string, string> = {
  lint: `
Examples:
  canary lint examples/seed/
  canary lint k8s/rollout.yaml k8s/analysis.yaml -o json
  canary lint -R deploy/`,
  run: `
Examples:
  canary run examples/seed/ --image myapp=ghcr.io/mccutchen/go-httpbin:2.17.1
  canary run k8s/ --image myapp=ghcr.io/org/myapp:$GITHUB_SHA -o json
  canary run k8s/ --dry-run                 # validate, preflight, print the plan
  canary run k8s/ --time-scale 0.1          # every pause and interval x0.1 (demos, tests)
  canary run k8s/ --scale-down leave        # CI: exit at the verdict; the next canary command scales the canary down`,
  status: `
Examples:
  canary status myapp -n apps
  canary status myapp --watch --timeout 15m     # CI: exit code = outcome
  canary status -A                              # every rollout canary manages
  canary status myapp -o json`,
  abort: `
Examples:
  canary abort myapp -n apps --reason "error budget burning"
  canary abort myapp --no-wait`,
  promote: `
Examples:
  canary promote myapp            # end the current pause
  canary promote myapp --full     # skip every remaining step and analysis`,
  retry: `
Examples:
  canary retry myapp -n apps`,
  completion: `
Examples:
  source <(canary completion bash)                 # this shell; add it to ~/.bashrc for every one
  canary completion zsh > "\${fpath[1]}/_canary"
  canary completion fish > ~/.config/fish/completions/canary.fish

Completes verbs, flags and their values, file names, and rollout names (status, abort, promote,
retry, history), namespaces and contexts read from the cluster the typed flags point at.`,
  history: `
Examples:
  canary history myapp -n apps
  canary history myapp -o json      # every run, with the requests each acted on`,
  analyze: `
Examples:
  canary analyze examples/seed/analysis-template.yaml --arg from=dependant-api-service --arg service-name=myapp-canary
  canary analyze k8s/ --template success-rate-analysis --once
  canary analyze k8s/analysis.yaml --arg service-name=web --dry-run   # print resolved queries`,
};

/** Where help, --version and commander's own errors go. */
export interface ProgramIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
}

/**
 * The program with every verb, or with only `verb` (the first word of a command line that names a
 * verb there): building the other eight and their options was ~2 ms of every one-shot command
 * (docs/benchmarks.md, issue 15). Help for the program, `help`, completion and anything else get them all.
 */
export function buildProgram(version: string, name: string, dispatch: Dispatch, onResult: (o: Outcome) => void, out: ProgramIo, verb?: string): Command {
  const program = new Command(name)
    // Set before the subcommands are added: they inherit both.
    .exitOverride()
    // All of it, not just the writers: commander's defaults read process.stdout and process.stderr,
    // which canary creates only for a terminal (std-stream.ts). Its help has no colours to keep.
    .configureOutput({
      writeOut: (s) => out.stdout.write(s),
      writeErr: (s) => out.stderr.write(s),
      getOutHelpWidth: () => (out.stdout.isTTY && out.stdout.columns) || 80,
      getErrHelpWidth: () => (out.stderr.isTTY && out.stderr.columns) || 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .description('Progressive canary releases on Kubernetes, driven from your terminal or CI job.\nReads Argo Rollouts manifests; no controller, no CRDs in the cluster.')
    .version(version, '-V, --version', 'print the version')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <namespace>', 'namespace (default: the manifest, then the context, then "default")')
    .option('--request-timeout <duration>', 'deadline for each Kubernetes API call', '30s')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .addHelpText('after', `\n${EXIT_CODE_HELP}\n\nRun "${name} <command> --help" for a command's flags and examples.`)
    .showSuggestionAfterError(true);

  const action = (verb: string) =>
    async function (this: Command, ...rest: unknown[]) {
      const cmd = rest[rest.length - 1] as Command;
      const args = rest.slice(0, -2).flatMap((a) => (Array.isArray(a) ? (a as string[]) : a === undefined ? [] : [String(a)]));
      const all = cmd.optsWithGlobals() as Record<string, unknown>;
      const global: GlobalOptions = {
        kubeconfig: all.kubeconfig as string | undefined,
        context: all.context as string | undefined,
        namespace: all.namespace as string | undefined,
        color: all.color !== false,
        requestTimeout: all.requestTimeout as string | undefined,
      };
      onResult(await dispatch({ verb, args, options: cmd.opts(), global }));
    };

  const prometheusOptions = (c: Command) =>
    c
      .option('--prometheus-address <url>', 'Prometheus address for metrics without one (env ARGO_ROLLOUTS_PROMETHEUS_ADDRESS)')
      .addOption(new Option('--prometheus-via <mode>', 'reach in-cluster Prometheus addresses directly or through the API server service proxy').choices(['auto', 'direct', 'proxy']).default('auto'))
      .option('--prometheus-ca-file <path>', 'CA bundle for a TLS Prometheus')
      .option('--prometheus-token-env <var>', 'send a bearer token read from this environment variable', 'CANARY_PROMETHEUS_TOKEN');

  // What the steering verbs (abort, promote, retry) share: they wait for the runner unless told not to.
  const waitOptions = (c: Command, timeout: string) =>
    c.option('--no-wait', 'write the request and return').option('--timeout <duration>', timeout, '2m');

  const commands: Record<string, (p: Command) => Command> = {
    lint: (p) =>
      p
        .command('lint')
        .description('validate Rollout, AnalysisTemplate and Service manifests offline (file:line:col errors)')
        .argument('<files...>', 'files or directories')
        .option('-R, --recursive', 'read subdirectories too')
        .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
        .option('--prometheus-address <url>', 'a Prometheus address for metrics without one (env ARGO_ROLLOUTS_PROMETHEUS_ADDRESS)')
        .addHelpText('after', EXAMPLES.lint!)
        .action(action('lint')),
    run: (p) =>
      prometheusOptions(
        p
          .command('run')
          .description('run a canary release: shift traffic step by step, analyse, then promote or roll back')
          .argument('<files...>', 'files or directories with the Rollout, its AnalysisTemplates and (optionally) Services')
          .option('-R, --recursive', 'read subdirectories too')
          .option('--image <container=image>', 'replace a container image in the Rollout template (repeatable)', collect, [])
          .option('--dry-run', 'validate, run preflight checks and print the plan without changing anything')
          .option('--timeout <duration>', 'give up (and roll back) after this long')
          .addOption(new Option('--on-interrupt <action>', 'what Ctrl+C or SIGTERM does').choices(['rollback', 'leave']).default('rollback'))
          .addOption(
            new Option('--scale-down <when>', "after the verdict: wait for the canary's scale-down (scaleDownDelaySeconds), or leave it to the next canary command")
              .choices(['wait', 'leave'])
              .default('wait'),
          )
          .option('--exit-on-pause', 'exit 7 at an indefinite pause or inconclusive analysis instead of waiting for promote')
          .option('--time-scale <factor>', 'multiply every pause, analysis interval, delay and deadline by this factor (0 < f <= 1; demos, tests)')
          .option('--apply-services', 'create the Services given in the files that the cluster lacks')
          .option('--adopt', 'take over a Deployment or traffic split of the same name that canary did not create')
          .option('--arg <name=value>', 'override an analysis arg (repeatable)', collect, [])
          .option('--report <file>', 'write the run report there at the end: Markdown (.md) or a self-contained HTML page (.html)')
          .option('--notify <url>', 'POST a JSON event to this webhook (a Slack message to a Slack incoming webhook) at every transition that matters (repeatable)', collect, [])
          .addOption(new Option('-o, --output <format>', 'text (live view on a terminal, lines otherwise) or json (one event per line)').choices(['text', 'json']).default('text')),
      )
        .addHelpText('after', EXAMPLES.run!)
        .action(action('run')),
    status: (p) =>
      p
        .command('status')
        .description('show a rollout: phase, step, weights, pods and analysis; --watch until it settles')
        .argument('[name]', 'the Rollout name; omit to list every rollout canary manages')
        .option('-w, --watch', 'keep watching until Healthy, Degraded or Aborted (or --timeout)')
        .option('--timeout <duration>', 'with --watch: give up after this long (exit 6)')
        .option('--exit-on-pause', 'with --watch: exit 7 when the rollout pauses')
        .option('--revision <hash>', 'with --watch: wait for the run of this revision, not a previous one')
        .option('-A, --all-namespaces', 'list rollouts in every namespace')
        .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'wide', 'json', 'yaml']).default('text'))
        .addHelpText('after', EXAMPLES.status!)
        .action(action('status')),
    abort: (p) =>
      waitOptions(
        p
          .command('abort')
          .description('roll a rollout back to stable: the live runner does it, or canary does when none is running')
          .argument('<name>', 'the Rollout name')
          .option('--reason <text>', 'why (kept in the run state and the Events)'),
        'how long to wait for traffic to be back on stable',
      )
        .addHelpText('after', EXAMPLES.abort!)
        .action(action('abort')),
    promote: (p) =>
      waitOptions(
        p
          .command('promote')
          .description('end the current pause (or skip every remaining step with --full)')
          .argument('<name>', 'the Rollout name')
          .option('--full', 'skip all remaining steps, pauses and analysis'),
        'how long to wait for the runner to act',
      )
        .addHelpText('after', EXAMPLES.promote!)
        .action(action('promote')),
    retry: (p) =>
      waitOptions(p.command('retry').description('restart an aborted rollout from step 1').argument('<name>', 'the Rollout name'), 'how long to wait for the runner to act')
        .addHelpText('after', EXAMPLES.retry!)
        .action(action('retry')),
    history: (p) =>
      p
        .command('history')
        .description("a rollout's runs, newest first: revision, images, verdict, reason, when, how long, who aborted or promoted")
        .argument('<name>', 'the Rollout name')
        .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml']).default('text'))
        .addHelpText('after', EXAMPLES.history!)
        .action(action('history')),
    completion: (p) =>
      p
        .command('completion')
        .description('print the shell completion script (bash, zsh or fish)')
        .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
        .addHelpText('after', EXAMPLES.completion!)
        .action(action('completion')),
    analyze: (p) =>
      prometheusOptions(
        p
          .command('analyze')
          .description('run one AnalysisTemplate on its own and report its verdict')
          .argument('<files...>', 'files or directories with the AnalysisTemplate')
          .option('-R, --recursive', 'read subdirectories too')
          .option('--template <name>', 'which template, when the files hold several')
          .option('--arg <name=value>', 'an arg for the template (repeatable)', collect, [])
          .option('--once', 'take a single measurement per metric (smoke check)')
          .option('--dry-run', 'print the resolved queries without running them')
          .option('--time-scale <factor>', 'multiply intervals and delays by this factor')
          .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text')),
      )
        .addHelpText('after', EXAMPLES.analyze!)
        .action(action('analyze')),
  };
  const only = verb !== undefined && Object.prototype.hasOwnProperty.call(commands, verb) ? verb : null;
  for (const [v, add] of Object.entries(commands)) if (only === null || v === only) add(program);

  return program;
}
