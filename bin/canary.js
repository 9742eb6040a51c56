#!/usr/bin/env node
// The `canary` and `kubectl-canary` binaries: everything else lives in dist/.
import { setFlagsFromString } from 'node:v8';

// No optimizing compilers (Maglev, TurboFan): a command is over before they would pay off, and a
// runner mostly waits; their code and data cost every process about 4 MB of memory, which a waiting
// runner cannot spare (docs/benchmarks.md, issue 15). Set before the program is loaded.
setFlagsFromString('--max-opt=1');
const { main } = await import('../dist/src/cli/main.js');

// A reader that goes away (`canary run --dry-run | head`) must not crash a command, and above all
// must not stop a rollout half way: output to a closed pipe is dropped, the work goes on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') return;
    throw err;
  });
}

process.exitCode = await main(process.argv);
