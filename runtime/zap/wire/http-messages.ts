import { decodeHeaderPairs, encodeHeaderPairs } from './header-pair-block.js';
import { latin1Bytes, latin1Text } from './latin1-bytes.js';
import { buildZapMessage, readZapRootObject, ZapMessageError } from './zap-message.js';

/**
 * hgw's HTTP-over-ZAP messages, types 200 (request) and 201 (response) — the
 * type numbers the Go gateway's ZapBackendFactory declares. Its own objects
 * put text/bytes slots 4 bytes apart, so each slot overwrites the previous
 * one and method, headers and body come out garbled or lost (spec C3). hgw
 * keeps the type numbers and spaces every slot 8 bytes apart; headers use
 * the ZAP-HTTP pair block (repeats and order kept), the query has its own
 * field. Byte-by-byte layout with a worked example: LAYOUT.md beside this file.
 *
 *   request  (dataSize 40): method @0, path @8, query @16, headers @24, body @32
 *   response (dataSize 24): status u32 @0, headers @8, body @16
 *
 * Strings are byte strings (latin1, see latin1-bytes.ts). Decoding refuses a
 * truncated or inconsistent message with an Error instead of reading out of range.
 */

export const MSG_HTTP_REQUEST = 200;
export const MSG_HTTP_RESPONSE = 201;

export const HTTP_REQUEST_DATA_SIZE = 40;
export const HTTP_RESPONSE_DATA_SIZE = 24;

const REQ_METHOD = 0;
const REQ_PATH = 8;
const REQ_QUERY = 16;
const REQ_HEADERS = 24;
const REQ_BODY = 32;

const RES_STATUS = 0;
const RES_HEADERS = 8;
const RES_BODY = 16;

export type ZapHttpRequest = {
  method: string;
  /** Path only, no `?`. */
  path: string;
  /** The raw query string as received, without the leading `?`; '' for none. */
  query: string;
  headers: Array<[string, string]>;
  body: Buffer;
};

export type ZapHttpResponse = {
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
};

export function encodeHttpRequest(r: ZapHttpRequest): Buffer {
  if (r.path.includes('?')) throw new TypeError(`ZAP HTTP request path must not carry a query (put it in query): ${JSON.stringify(r.path)}`);
  if (r.query.startsWith('?')) throw new TypeError(`ZAP HTTP request query is written without its leading '?': ${JSON.stringify(r.query)}`);
  const method = latin1Bytes(r.method, 'ZAP HTTP request method');
  const path = latin1Bytes(r.path, 'ZAP HTTP request path');
  const query = latin1Bytes(r.query, 'ZAP HTTP request query');
  const headers = encodeHeaderPairs(r.headers);
  return buildZapMessage(MSG_HTTP_REQUEST, HTTP_REQUEST_DATA_SIZE, (o) => {
    // Set order = tail order: method, path, query, headers, body.
    o.bytes(REQ_METHOD, method);
    o.bytes(REQ_PATH, path);
    o.bytes(REQ_QUERY, query);
    o.bytes(REQ_HEADERS, headers);
    o.bytes(REQ_BODY, r.body);
  });
}

/**
 * An empty method reads as GET and an empty path as `/` (the defaults every
 * other ZAP HTTP layout applies). The body is a view into `message`.
 */
export function decodeHttpRequest(message: Buffer): ZapHttpRequest {
  const what = 'ZAP HTTP request (type 200)';
  const o = readZapRootObject(message, MSG_HTTP_REQUEST, HTTP_REQUEST_DATA_SIZE, what);
  const method = latin1Text(o.bytes(REQ_METHOD, 'method'));
  const path = latin1Text(o.bytes(REQ_PATH, 'path'));
  const query = latin1Text(o.bytes(REQ_QUERY, 'query'));
  if (path.includes('?')) throw new ZapMessageError(`${what}: path carries a '?' (the query has its own field): ${JSON.stringify(path)}`);
  return {
    method: method === '' ? 'GET' : method,
    path: path === '' ? '/' : path,
    query,
    headers: decodeHeaderPairs(o.bytes(REQ_HEADERS, 'headers'), what),
    body: o.bytes(REQ_BODY, 'body'),
  };
}

export function encodeHttpResponse(r: ZapHttpResponse): Buffer {
  checkStatus(r.status, 'ZAP HTTP response status', RangeError);
  const headers = encodeHeaderPairs(r.headers);
  return buildZapMessage(MSG_HTTP_RESPONSE, HTTP_RESPONSE_DATA_SIZE, (o) => {
    o.u32(RES_STATUS, r.status);
    o.bytes(RES_HEADERS, headers);
    o.bytes(RES_BODY, r.body);
  });
}

/** The body is a view into `message`. */
export function decodeHttpResponse(message: Buffer): ZapHttpResponse {
  const what = 'ZAP HTTP response (type 201)';
  const o = readZapRootObject(message, MSG_HTTP_RESPONSE, HTTP_RESPONSE_DATA_SIZE, what);
  const status = o.u32(RES_STATUS);
  checkStatus(status, `${what}: status`, ZapMessageError);
  return {
    status,
    headers: decodeHeaderPairs(o.bytes(RES_HEADERS, 'headers'), what),
    body: o.bytes(RES_BODY, 'body'),
  };
}

/** An HTTP status is three digits: 100–999. */
function checkStatus(status: number, what: string, Err: new (message: string) => Error): void {
  if (!Number.isInteger(status) || status < 100 || status > 999) throw new Err(`${what} must be an integer 100-999, got ${status}`);
}
