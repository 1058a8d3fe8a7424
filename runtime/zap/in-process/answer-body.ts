/**
 * The body of an in-process answer as a ZAP listener reads it: an async
 * iterable of the chunks the gateway's response writes (through the
 * exchange's socket), in order, ending when the response finishes.
 *
 * Back-pressure: a write is acknowledged only once the reader has taken the
 * chunk, so at most one chunk waits here (plus the socket's own small
 * buffer), and a slow ZAP peer holds the handler back exactly as a slow HTTP
 * client does (the response's `write` returns false, the handler waits for
 * `drain`). Destroying it (the peer cancelled or left, the answer went over
 * budget, the reader stopped early) ends the exchange: `onDestroy` closes
 * the socket, and the gateway sees a client that went away.
 *
 * Not a stream.Readable: an answer is usually one chunk, read whole, and a
 * Readable's machinery around that chunk cost more than the rest of the hop.
 */
type Waiting = { resolve(step: IteratorResult<Buffer>): void; reject(err: Error): void };

const DONE: IteratorResult<Buffer> = { value: undefined, done: true };

export class AnswerBody implements AsyncIterable<Buffer> {
  private chunk: Buffer | null = null;
  private ack: (() => void) | null = null;
  private ended = false;
  private failure: Error | null = null;
  private destroyed = false;
  private waiting: Waiting | null = null;

  constructor(private readonly onDestroy: () => void) {}

  /** One chunk the response wrote; `done` acknowledges it (lets the next write through) once it is read. */
  accept(chunk: Buffer, done: () => void): void {
    if (chunk.length === 0 || this.destroyed) return done();
    const waiting = this.waiting;
    if (waiting !== null) {
      this.waiting = null;
      done();
      waiting.resolve({ value: chunk, done: false });
      return;
    }
    this.chunk = chunk;
    this.ack = done;
  }

  /** The response finished: nothing more comes. */
  end(): void {
    this.ended = true;
    if (this.waiting !== null && this.chunk === null) this.settle(DONE);
  }

  /** The exchange broke off before the response finished. */
  fail(err: Error): void {
    if (this.ended || this.failure !== null) return;
    this.failure = err;
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.reject(err);
  }

  /** The reader gives up: the exchange is cut off (a handler still writing sees its client leave). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.chunk = null;
    this.ack = null;
    if (!this.ended) this.onDestroy();
    this.fail(new Error('the answer was abandoned by its reader'));
  }

  next(): Promise<IteratorResult<Buffer>> {
    const chunk = this.chunk;
    if (chunk !== null) {
      const ack = this.ack!;
      this.chunk = null;
      this.ack = null;
      ack();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => this.next(),
      // A `for await` left early (break, throw) abandons the answer, as it would a stream's.
      return: () => {
        this.destroy();
        return Promise.resolve(DONE);
      },
    };
  }

  private settle(step: IteratorResult<Buffer>): void {
    const waiting = this.waiting!;
    this.waiting = null;
    waiting.resolve(step);
  }
}
