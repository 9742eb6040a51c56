#!/usr/bin/env node
// The `canary` and `kubectl-canary` binaries: everything else lives in dist/. CommonJS
// (bin/package.json): an ES module entry point would start Node's ES module loader, ~4 ms of every
// command (docs/benchmarks.md, issue 15).
'use strict';
const { join } = require('node:path');

// A reader that goes away (`canary run --dry-run | head`) must not crash a command, and above all
// must not stop a rollout half way: output to a closed pipe is dropped, the work goes on. Attached
// when a stream is first used: creating process.stderr for a pipe loads node:net, which `canary
// --help` never writes to (docs/benchmarks.md).
const ignoreEpipe = (err) => {
  if (err && err.code === 'EPIPE') return;
  throw err;
};
for (const name of ['stdout', 'stderr']) {
  const { get, enumerable } = Object.getOwnPropertyDescriptor(process, name);
  let stream;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable,
    get() {
      if (!stream) {
        stream = get.call(process);
        stream.on('error', ignoreEpipe);
      }
      return stream;
    },
  });
}

// The bundle (scripts/bundle.ts) with V8's code cache (src/cli/boot.ts).
const cli = join(__dirname, '..', 'dist', 'src', 'cli');
require(join(cli, 'boot.cjs'))
  .runCli(join(cli, 'canary.cjs'), process.argv, process.env)
  .then((code) => {
    process.exitCode = code;
  });
