import { Writable } from 'node:stream';
import type { AnswerBody } from './answer-body.js';

/**
 * The connection an in-process exchange pretends to arrive on: no file
 * descriptor, no bytes on a wire. The request reads its peer from it
 * (`remoteAddress`: the ZAP peer, so client-IP rules, rate limits and logs
 * see the peer), and the response writes its body into it, which hands each
 * chunk to the AnswerBody the ZAP listener reads. It is only writable: the
 * request body is whole already, so nothing is ever read from it (a request
 * asks a socket to flow only when it says it is readable).
 */
export class ExchangeSocket extends Writable {
  readonly remotePort = 0;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;

  constructor(
    readonly remoteAddress: string | undefined,
    private readonly body: AnswerBody,
  ) {
    super();
    // Node's own server listens for socket errors; a destroy(err) from the response would otherwise be uncaught.
    this.on('error', () => {});
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.body.accept(chunk, done);
  }

  // What a handler may call on a net.Socket; timeouts are the ZAP listener's business, not the socket's.
  setTimeout(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }
}
