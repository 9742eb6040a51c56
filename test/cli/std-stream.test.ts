/**
 * src/cli/std-stream.ts: output that is not a terminal is written to the descriptor, whole and in
 * order, without creating Node's streams; anything it cannot write that way goes to the real stream.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plainOutput, stdStream } from '../../src/cli/std-stream.js';
import type { OutStream } from '../../src/contract/io.js';

let dir: string;
const fds: number[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'canary-std-'));
});
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
});

const open = (path: string, flags: string): number => {
  const fd = openSync(path, flags);
  fds.push(fd);
  return fd;
};

/** A stand-in for process.stdout that records whether it was made and what it got. */
function realStream(): { make: () => OutStream; made: () => number; text: () => string } {
  let made = 0;
  let text = '';
  return {
    make: () => {
      made++;
      return { isTTY: false, write: (s: string) => (text += s) };
    },
    made: () => made,
    text: () => text,
  };
}

describe('plainOutput', () => {
  it('is true for a file and for /dev/null', () => {
    expect(plainOutput(open(join(dir, 'out.txt'), 'w'))).toBe(true);
    expect(plainOutput(open('/dev/null', 'w'))).toBe(true);
  });

  it('is true for a pipe to another process', async () => {
    const child = spawn('cat', [], { stdio: ['pipe', 'ignore', 'ignore'] });
    const fd = (child.stdin as unknown as { _handle: { fd: number } })._handle.fd;
    expect(plainOutput(fd)).toBe(true);
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
  });

  it('is false for a descriptor that is not open (Node then decides, as it would for process.stdout)', () => {
    const fd = openSync(join(dir, 'gone.txt'), 'w');
    closeSync(fd);
    expect(plainOutput(fd)).toBe(false);
  });
});

describe('stdStream', () => {
  it('writes a file whole and in order, multi-byte characters included, without making the real stream', () => {
    const path = join(dir, 'out.txt');
    const real = realStream();
    const out = stdStream(open(path, 'w'), real.make);
    expect(out.isTTY).toBe(false);
    out.write('✔ promoted myapp\n');
    out.write('x'.repeat(200_000));
    out.write('\nend\n');
    expect(readFileSync(path, 'utf8')).toBe(`✔ promoted myapp\n${'x'.repeat(200_000)}\nend\n`);
    expect(real.made()).toBe(0);
  });

  it('hands over to the real stream when the descriptor refuses a write, from then on', () => {
    const path = join(dir, 'read-only.txt');
    rmSync(path, { force: true });
    closeSync(openSync(path, 'w'));
    const real = realStream();
    const out = stdStream(open(path, 'r'), real.make);
    out.write('first\n');
    out.write('second\n');
    expect(real.made()).toBe(1);
    expect(real.text()).toBe('first\nsecond\n');
  });

  it('drops output once the reader has gone (EPIPE), as `| head -1` expects, and does not throw', () => {
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const fd = open(fifo, 'w');
    expect(plainOutput(fd)).toBe(true);
    closeSync(reader);
    const real = realStream();
    const out = stdStream(fd, real.make);
    expect(() => out.write('line\n'.repeat(20_000))).not.toThrow();
    expect(() => out.write('more\n')).not.toThrow();
    expect(real.made()).toBe(0);
  });

  it('is the real stream itself for what is neither a file, a pipe nor /dev/null', () => {
    const fd = openSync(join(dir, 'closed.txt'), 'w');
    closeSync(fd);
    const real = realStream();
    stdStream(fd, real.make);
    expect(real.made()).toBe(1);
  });
});
