/** A child process run to its end without blocking this one (an in-process sandbox must keep answering). */
import { spawn } from 'node:child_process';

export function runProcess(command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
