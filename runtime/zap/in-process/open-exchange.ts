import { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AnswerBody } from './answer-body.js';
import { CapturedResponse, type CapturedHead } from './captured-response.js';
import { ExchangeSocket } from './exchange-socket.js';
import { syntheticRequest, type SyntheticRequestParts } from './synthetic-request.js';

/**
 * One request handed to the gateway in-process: a synthetic request and
 * response on an ExchangeSocket, given to `enter` (the HTTP server's own
 * request entry: probes, draining, the router middleware, routing, the
 * endpoint). Resolves once the gateway has decided the answer's head; the
 * body follows through `body` as the handler writes it.
 *
 * The lifecycle is what Node's HTTP server gives a response: `drain` when
 * the reader took what was written, `finish` then `close` when it is done,
 * and, if the reader destroys the body first (the ZAP peer cancelled or
 * left, the answer went over budget), `close` without `finish` — the signal
 * every handler already takes as "the client went away" — with the request
 * aborted as the server aborts it. An exchange the gateway drops without a
 * head rejects.
 */
export type GatewayEntry = (req: IncomingMessage, res: ServerResponse) => void;

export interface OpenedResponse extends CapturedHead {
  body: AnswerBody;
}

/** Node's marker that a write returned false and a `drain` is owed (found by name; absent, every drain is passed on). */
const NEED_DRAIN = Object.getOwnPropertySymbols(new ServerResponse(new IncomingMessage(null as never))).find((s) => s.description === 'kNeedDrain');

export function openExchange(enter: GatewayEntry, parts: SyntheticRequestParts, remoteAddress: string | undefined): Promise<OpenedResponse> {
  return new Promise((resolve, reject) => {
    let headed = false;
    let finished = false;
    const body = new AnswerBody(() => socket.destroy());
    const socket = new ExchangeSocket(remoteAddress, body);
    const req = syntheticRequest(socket, parts);
    const res = new CapturedResponse(req, (head) => {
      headed = true;
      resolve({ status: head.status, headers: head.headers, length: head.length, body });
    });
    // A net.Socket in all a response uses of one (exchange-socket.ts).
    res.assignSocket(socket as unknown as Socket);
    socket.on('drain', () => {
      if (res.writableEnded || !res.writableNeedDrain) return;
      if (NEED_DRAIN) (res as unknown as Record<symbol, boolean>)[NEED_DRAIN] = false;
      res.emit('drain');
    });
    res.once('finish', () => {
      finished = true;
      // Left to the collector, not destroyed: a destroy right after the last write makes Node build an error per exchange.
      res.detachSocket(socket as unknown as Socket);
      body.end();
      // As Node's server: `close` follows `finish` on the next tick.
      process.nextTick(() => {
        res.destroyed = true;
        res.emit('close');
      });
    });
    socket.once('close', () => {
      if (finished) return;
      // The response has emitted `close` already (Node's own socket listener); the request is aborted as the server aborts it.
      if (!req.destroyed) req.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      if (!headed) reject(new Error('the gateway closed the exchange without an answer'));
      else body.fail(new Error('the answer was cut off before its end'));
    });
    enter(req, res);
  });
}
