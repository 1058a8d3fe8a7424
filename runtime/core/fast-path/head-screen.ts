import type { IncomingMessage } from 'node:http';
import { malformedHead } from '../request-head.js';
import { MAX_HEADER_ENTRIES, type RequestHead } from './head-parser.js';

/**
 * Which request heads the fast path takes, before routing: HTTP/1.1 only
 * (HTTP/1.0 and its keep-alive rules stay with node:http), no Upgrade or
 * CONNECT, no `Expect` (100-continue), no Transfer-Encoding (a chunked body,
 * trailers), at most one Content-Length made of digits, exactly one Host that
 * Go's checks accept (request-head.ts), and no more header lines than
 * node:http keeps. Anything else goes to node:http whole, which answers it as
 * it always has (400, 431, 100 Continue, the upgrade, …).
 *
 * The body length, or -1 when the head is not the fast path's.
 */
export function fastBodyLength(head: RequestHead): number {
  if (head.versionMajor !== 1 || head.versionMinor !== 1 || head.upgrade || head.method === 'CONNECT') return -1;
  const raw = head.rawHeaders;
  if (raw.length > MAX_HEADER_ENTRIES) return -1;
  let hosts = 0;
  let length = 0;
  let lengths = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'host') hosts++;
        break;
      case 6:
        if (name.toLowerCase() === 'expect') return -1;
        break;
      case 7:
        if (name.toLowerCase() === 'upgrade') return -1;
        break;
      case 14:
        if (name.toLowerCase() === 'content-length') {
          const value = raw[i + 1]!;
          if (++lengths > 1 || !DIGITS.test(value)) return -1;
          length = Number(value);
        }
        break;
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') return -1;
        break;
    }
  }
  if (hosts !== 1) return -1;
  if (malformedHead({ httpVersionMajor: 1, rawHeaders: raw } as unknown as IncomingMessage) !== undefined) return -1;
  return length;
}

/** A Content-Length the fast path frames itself: plain digits, below 2^53. */
const DIGITS = /^[0-9]{1,15}$/;
