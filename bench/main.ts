/**
 * `npm run bench`: the benchmarks of docs/benchmarks.md, end to end on this machine, and the
 * document rewritten with the results (only the sections that ran are replaced; raw results go to
 * docs/benchmarks/*.json next to it).
 *
 *   npm run bench                              # everything, about 15 minutes on 2 cores
 *   npm run bench -- --quick                   # fewer runs, shorter rollouts, about 5 minutes
 *   npm run bench -- --only abort,cli          # some sections: cli, abort, blast, idle, fleet
 *   npm run bench -- --no-write                # print only; docs/ untouched
 *   npm run bench -- --only cli,abort --control-plane real   # on Kubernetes' own API server (test/cluster)
 *   npm run bench -- --runs 20 --trials 5 --idle-scale 0.05 --fleet 50 --steady 60
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchAbort } from './abort.js';
import { benchBlast } from './blast.js';
import { benchCli } from './cli.js';
import { benchFleet } from './fleet.js';
import { benchIdle } from './idle.js';
import { killAll, ROOT } from './lib/proc.js';
import { closeAllSandboxes } from './lib/world.js';
import { goalLines, goals, goalsSection, type Results } from './goals.js';
import { abortSection, blastSection, cliSection, fleetSection, idleSection, machineSection, replaceSection } from './report.js';

const SECTIONS = ['cli', 'abort', 'blast', 'idle', 'fleet'] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  only: Section[];
  write: boolean;
  runs: number;
  cliRuns: number;
  trials: number;
  idleScale: number;
  fleet: number;
  steadyS: number;
  quick: boolean;
  /** Where cli and abort run: the in-process sandbox, or the real control plane (sections cli-real, abort-real). */
  controlPlane: 'sandbox' | 'real';
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const o: Options = {
    only: [...SECTIONS],
    write: !argv.includes('--no-write'),
    runs: quick ? 8 : 20,
    cliRuns: quick ? 8 : 20,
    trials: quick ? 2 : 5,
    idleScale: quick ? 0.02 : 0.05,
    fleet: quick ? 20 : 50,
    steadyS: quick ? 30 : 60,
    quick,
    controlPlane: 'sandbox',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const num = (min: number, max: number) => {
      const v = Number(next());
      if (!Number.isFinite(v) || v < min || v > max) throw new UsageError(`${a}: expected a number from ${min} to ${max}`);
      return v;
    };
    switch (a) {
      case '--only':
        o.only = next()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map((s) => {
            if (!(SECTIONS as readonly string[]).includes(s)) throw new UsageError(`--only: unknown section "${s}" (known: ${SECTIONS.join(', ')})`);
            return s as Section;
          });
        break;
      case '--runs':
        o.runs = o.cliRuns = num(1, 1000);
        break;
      case '--trials':
        o.trials = num(1, 100);
        break;
      case '--idle-scale':
        o.idleScale = num(0.001, 1);
        break;
      case '--fleet':
        o.fleet = num(1, 200);
        break;
      case '--steady':
        o.steadyS = num(5, 3600);
        break;
      case '--control-plane': {
        const v = next();
        if (v !== 'sandbox' && v !== 'real') throw new UsageError(`--control-plane: sandbox or real, got "${v}"`);
        o.controlPlane = v;
        break;
      }
      case '--quick':
      case '--no-write':
        break;
      case '--help':
      case '-h':
        console.log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]!.replace(/^\/\*\*?|^ \* ?/gm, ''));
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default:
        throw new UsageError(`unknown flag ${a} (see npm run bench -- --help)`);
    }
  }
  if (o.controlPlane === 'real') {
    const other = o.only.filter((s) => s !== 'cli' && s !== 'abort');
    if (other.length) throw new UsageError(`--control-plane real measures cli and abort only (not ${other.join(', ')}): add --only cli,abort`);
  }
  return o;
}

function machine(): Record<string, string> {
  const sh = (cmd: string, args: string[]) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
    } catch {
      return 'n/a';
    }
  };
  return {
    cpus: `${availableParallelism()} (nproc ${sh('nproc', [])}), ${cpus()[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: sh('uname', ['-sr']),
    kubectl: sh('kubectl', ['version', '--client']),
    prometheus: sh('prometheus', ['--version']),
    commit: sh('git', ['rev-parse', '--short', 'HEAD']),
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    load: loadavg()
      .map((x) => x.toFixed(2))
      .join(', '),
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('run `npm run build` first (npm run bench does)');
  const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
  const doc = join(ROOT, 'docs', 'benchmarks.md');
  const rawDir = join(ROOT, 'docs', 'benchmarks');
  let text = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const m = machine();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const started = Date.now();
  const save = (section: Section, body: string, raw: unknown) => {
    const name = o.controlPlane === 'real' ? `${section}-real` : section;
    const text = o.controlPlane === 'real' ? `On the real control plane (test/cluster: kube-apiserver, controller manager, etcd; canary as examples/rbac.yaml's ServiceAccount; times taken when the node agent's replica saw the change).\n\n${body}` : body;
    saveAs(name, text, raw);
  };
  const saveAs = (name: string, section: string, raw: unknown) => {
    console.log(`\n${section}\n`);
    if (!o.write) return;
    text = replaceSection(text, name, section);
    mkdirSync(rawDir, { recursive: true });
    writeFileSync(join(rawDir, `${name}.json`), JSON.stringify({ machine: m, command, result: raw }, null, 1) + '\n');
    writeFileSync(doc, replaceSection(text, 'machine', machineSection(m, command)));
  };
  log(`machine: ${JSON.stringify(m)}`);
  const fresh: Results = {};
  for (const s of o.only) {
    const t0 = Date.now();
    log(`== ${s}`);
    switch (s) {
      case 'cli': {
        const r = await benchCli(o.cliRuns, log, o.controlPlane);
        fresh.cli = r;
        save(s, cliSection(r, m, command), r);
        break;
      }
      case 'abort': {
        const r = await benchAbort(o.runs, log, o.controlPlane);
        fresh.abort = r;
        save(s, abortSection(r, m, command), r);
        break;
      }
      case 'blast': {
        const r = await benchBlast(o.trials, log);
        fresh.blast = r;
        save(s, blastSection(r, m, command), r);
        break;
      }
      case 'idle': {
        const r = await benchIdle(o.idleScale, log);
        fresh.idle = r;
        save(s, idleSection(r, m, command), { ...r, samples: r.samples.map((x) => [x.t, +x.rssMb.toFixed(1), x.cpuMs]) });
        break;
      }
      case 'fleet': {
        const r = await benchFleet(o.fleet, o.steadyS * 1000, log);
        fresh.fleet = r;
        save(s, fleetSection(r, m, command), r);
        break;
      }
    }
    log(`== ${s} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  // The goals, from this run's results and, for sections that did not run, the last ones recorded.
  if (o.controlPlane === 'sandbox') {
    const results: Results = { ...recorded(rawDir), ...fresh };
    const gs = goals(results);
    const from = SECTIONS.filter((s) => results[s]).map((s) => `${s}: ${fresh[s] ? 'this run' : `docs/benchmarks/${s}.json`}`);
    if (o.write && gs.length) {
      text = replaceSection(text, 'goals', goalsSection(gs, `_Issue 15's goals judged from the results (${from.join('; ')}); \`npm run bench\` prints the same lines tab-separated._`));
      writeFileSync(doc, text);
    }
    console.log(`\n${goalLines(gs).join('\n')}`);
  }
  log(`all done in ${((Date.now() - started) / 60_000).toFixed(1)} min${o.write ? `; wrote ${doc}` : ''}`);
}

/** The results last written to docs/benchmarks/NAME.json (sandbox sections only). */
function recorded(dir: string): Results {
  const out: Results = {};
  for (const s of SECTIONS) {
    const file = join(dir, `${s}.json`);
    if (!existsSync(file)) continue;
    try {
      (out as Record<string, unknown>)[s] = (JSON.parse(readFileSync(file, 'utf8')) as { result: unknown }).result;
    } catch {
      // an unreadable record is left out
    }
  }
  return out;
}

let stopping = false;
const stop = (code: number) => {
  if (stopping) process.exit(code);
  stopping = true;
  void killAll()
    .then(closeAllSandboxes)
    .finally(() => process.exit(code));
};
process.on('SIGINT', () => stop(130));
process.on('SIGTERM', () => stop(143));
main().then(
  async () => {
    await killAll();
    process.exit(0);
  },
  async (err: unknown) => {
    console.error(err instanceof UsageError ? `bench: ${err.message}` : err instanceof Error ? (err.stack ?? err.message) : String(err));
    await killAll();
    await closeAllSandboxes();
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
