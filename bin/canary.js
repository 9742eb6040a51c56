#!/usr/bin/env node
// The `canary` and `kubectl-canary` binaries: everything else lives in dist/.
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv);
