/** Runs the CLI in-process with captured output, as a user would see it (no colours). */
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { plainPalette } from '../../src/util/palette.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  const code = await main(['node', 'canary', ...args], {
    stdout,
    stderr,
    env: options.env ?? { PATH: process.env.PATH },
    cwd: options.cwd ?? process.cwd(),
    palette: plainPalette,
    errPalette: plainPalette,
  });
  return { code, stdout: out, stderr: err };
}
