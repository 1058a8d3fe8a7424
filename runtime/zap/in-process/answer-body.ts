import { Readable } from 'node:stream';

/**
 * The body of an in-process answer as a ZAP listener reads it. The gateway's
 * response writes into it through the exchange's socket; a write is
 * acknowledged only once the reader has room for more, so a slow ZAP peer
 * holds the handler back exactly as a slow HTTP client does (the response's
 * `write` returns false, the handler waits for `drain`). Destroying it (the
 * peer cancelled, the answer is over budget) ends the exchange: `onDestroy`
 * closes the socket, and the gateway sees a client that went away.
 */
export class AnswerBody extends Readable {
  /** The acknowledgement of the write the reader has no room for yet. */
  private held: (() => void) | null = null;

  constructor(private readonly onDestroy: (err: Error | null) => void) {
    super();
  }

  /** One chunk the response wrote; `done` acknowledges it (lets the next write through). */
  accept(chunk: Buffer, done: () => void): void {
    if (chunk.length === 0 || this.push(chunk)) done();
    else this.held = done;
  }

  override _read(): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    held();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.held = null;
    this.onDestroy(err);
    cb(err);
  }
}
