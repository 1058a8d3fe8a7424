/**
 * `hgw check -`: the config comes from standard input, as `gofmt -` or
 * `jq .` read it. Read once, whole, with a bound: a pipe can be endless.
 */
import { readSync } from 'node:fs';

/** The name `-` stands for, in findings and code frames. */
export const STDIN_NAME = '<stdin>';

/** Larger than any real config (the 193-endpoint production one is ~200 KB). */
export const MAX_STDIN_BYTES = 64 * 1024 * 1024;

/** Reads fd 0 to its end; undefined when it holds more than MAX_STDIN_BYTES. */
export function readStdin(fd = 0): Buffer | undefined {
  const chunks: Buffer[] = [];
  let size = 0;
  const buf = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue; // a non-blocking pipe with nothing yet
      if (code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    size += n;
    if (size > MAX_STDIN_BYTES) return undefined;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}
