/**
 * stdout and stderr without process.stdout and process.stderr when they are not terminals.
 *
 * Creating process.stdout or process.stderr loads node:stream, and node:net when the stream is a pipe
 * or a socket. That costs about 3.5 ms each, and most commands touch both: the palette asks each
 * whether it is a terminal. Together that is a sixth of `node -e ""` and a tenth of `canary --help`
 * (docs/benchmarks.md, issue 15).
 *
 * A file, a pipe, a socket or /dev/null is written with fs.writeSync instead. That is what Node
 * itself does for files, and for pipes and sockets on Linux, whose process.stdout writes synchronously:
 * the same bytes in the same order, all of them written before the process exits.
 *
 * Anything else gets the real stream, decided on first use. That includes a terminal, another device,
 * a closed descriptor, Windows, and a descriptor that cannot take a blocking write (EAGAIN), from then
 * on. A reader that went away (EPIPE) is ignored, as bin/canary.js does for the real streams: the
 * output is dropped and the work goes on.
 */
import { fstatSync, statSync, writeSync } from 'node:fs';
import type { OutStream } from '../contract/io.js';

/** stdout (1) or stderr (2): `real` gives the process stream, created only when it is needed. */
export function stdStream(fd: number, real: () => OutStream): OutStream {
  return plainOutput(fd) ? new FdStream(fd, real) : real();
}

/** A file, pipe, socket or /dev/null on a POSIX system: what FdStream may write to. */
export function plainOutput(fd: number): boolean {
  if (process.platform === 'win32') return false;
  try {
    const st = fstatSync(fd);
    if (st.isFile() || st.isFIFO() || st.isSocket()) return true;
    // Terminals are character devices too; /dev/null is the one that is not a terminal.
    return st.isCharacterDevice() && st.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

class FdStream implements OutStream {
  readonly isTTY = false;
  private fallback: OutStream | null = null;
  private closed = false;

  constructor(
    private readonly fd: number,
    private readonly real: () => OutStream,
  ) {}

  write(text: string): boolean {
    if (this.fallback) return Boolean(this.fallback.write(text));
    if (this.closed) return true;
    let buf = Buffer.from(text, 'utf8');
    while (buf.length > 0) {
      try {
        buf = buf.subarray(writeSync(this.fd, buf));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EPIPE') {
          this.closed = true;
          return true;
        }
        // EAGAIN (a non-blocking pipe that is full) and anything unexpected: the real stream waits
        // for the pipe, or reports the error as Node would.
        this.fallback = this.real();
        return Boolean(this.fallback.write(buf.toString('utf8')));
      }
    }
    return true;
  }
}
