#!/usr/bin/env node
// The `canary` and `kubectl-canary` binaries: everything else lives in dist/.
import { main } from '../dist/src/cli/main.js';

// A reader that goes away (`canary run --dry-run | head`) must not crash a command, and above all
// must not stop a rollout half way: output to a closed pipe is dropped, the work goes on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') return;
    throw err;
  });
}

process.exitCode = await main(process.argv);
