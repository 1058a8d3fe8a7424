import { decodeHeaderPairs, encodeHeaderPairs, type HeaderPairs } from './header-pair-block.js';
import { goStatusText } from './go-status-text.js';
import { latin1Bytes, latin1Text } from './latin1-bytes.js';
import { encodeFrame, FrameDecoder, type FrameRules } from './length-prefixed-frames.js';
import { buildZapMessage, parseZapMessage, readZapRootObject, ZapMessageError } from './zap-message.js';

/**
 * ZAP-HTTP (zap-proto/http v0.3.x, spec C5): the protocol the Go gateway's
 * loopback listener and TLS terminator speak. Each frame is
 * `[u32 BIG-endian length][ZAP message]` (1 B – 64 MiB), one request then one
 * response per turn. Message types (flags >> 8): 1 request, 2 response,
 * 3 response head, 4 data chunk, 5 end.
 *
 *   request  (dataSize 48): method @0, target @8 (request-URI, query included),
 *                           proto @16, headers @24, body @32, trailers @40
 *   response (dataSize 48): status u16 @0, reason @8, proto @16, headers @24,
 *                           body @32, trailers @40
 *   data / end (dataSize 8): bytes @0 (a body chunk / the encoded trailers)
 *
 * Tails follow field order. Headers and trailers use the pair block; the
 * sender never writes Content-Length or Trailer pairs and a receiver ignores
 * a Content-Length pair (the body's length is authoritative). Host is sent
 * as a pair like any other header (v0.3.1 dropped it; every decoder reads it).
 */

export const ZAP_HTTP_REQUEST = 1;
export const ZAP_HTTP_RESPONSE = 2;
export const ZAP_HTTP_RESPONSE_HEAD = 3;
export const ZAP_HTTP_DATA = 4;
export const ZAP_HTTP_END = 5;

export const ZAP_HTTP_MAX_FRAME = 64 * 1024 * 1024;
/** Written when the request has no protocol of its own (as the Go client does). */
export const ZAP_HTTP_DEFAULT_PROTO = 'ZAP-HTTP/1.0';

export const ZAP_HTTP_FRAME_RULES: FrameRules = {
  byteOrder: 'BE',
  maxLength: ZAP_HTTP_MAX_FRAME,
  allowEmpty: false,
  name: 'ZAP-HTTP',
};

const HTTP_OBJECT_SIZE = 48;
const CHUNK_OBJECT_SIZE = 8;
const F_METHOD_OR_STATUS = 0;
const F_TARGET_OR_REASON = 8;
const F_PROTO = 16;
const F_HEADERS = 24;
const F_BODY = 32;
const F_TRAILERS = 40;

export interface ZapHttpWireRequestInit {
  /** Default GET. */
  method?: string;
  /** Request-URI as on the request line, query included. */
  target: string;
  /** Default ZAP-HTTP/1.0. */
  proto?: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Buffer;
  trailers?: ReadonlyArray<readonly [string, string]>;
}

export interface ZapHttpWireRequest {
  /** An empty method on the wire reads as GET. */
  method: string;
  target: string;
  proto: string;
  headers: HeaderPairs;
  /** A view into the decoded message. */
  body: Buffer;
  trailers: HeaderPairs;
}

export interface ZapHttpWireResponseInit {
  status: number;
  /** Default: Go's http.StatusText(status). */
  reason?: string;
  /** Default ZAP-HTTP/1.0. */
  proto?: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Buffer;
  trailers?: ReadonlyArray<readonly [string, string]>;
}

export interface ZapHttpWireResponse {
  /** A zero status on the wire reads as 200. */
  status: number;
  reason: string;
  proto: string;
  headers: HeaderPairs;
  /** A view into the decoded message; empty for a response head. */
  body: Buffer;
  trailers: HeaderPairs;
}

export function encodeZapHttpRequest(r: ZapHttpWireRequestInit): Buffer {
  const fields = {
    method: latin1Bytes(r.method ?? 'GET', 'ZAP-HTTP request method'),
    target: latin1Bytes(r.target, 'ZAP-HTTP request target'),
    proto: latin1Bytes(r.proto || ZAP_HTTP_DEFAULT_PROTO, 'ZAP-HTTP request proto'),
    headers: encodeHeaderPairs(sendableHeaders(r.headers)),
    body: r.body ?? Buffer.alloc(0),
    trailers: encodeHeaderPairs(sendableHeaders(r.trailers)),
  };
  return buildZapMessage(ZAP_HTTP_REQUEST, HTTP_OBJECT_SIZE, (o) => {
    o.bytes(F_METHOD_OR_STATUS, fields.method);
    o.bytes(F_TARGET_OR_REASON, fields.target);
    o.bytes(F_PROTO, fields.proto);
    o.bytes(F_HEADERS, fields.headers);
    o.bytes(F_BODY, fields.body);
    o.bytes(F_TRAILERS, fields.trailers);
  });
}

export function decodeZapHttpRequest(message: Buffer): ZapHttpWireRequest {
  const what = 'ZAP-HTTP request';
  const o = readZapRootObject(message, ZAP_HTTP_REQUEST, HTTP_OBJECT_SIZE, what);
  const method = latin1Text(o.bytes(F_METHOD_OR_STATUS, 'method'));
  return {
    method: method === '' ? 'GET' : method,
    target: latin1Text(o.bytes(F_TARGET_OR_REASON, 'target')),
    proto: latin1Text(o.bytes(F_PROTO, 'proto')),
    headers: receivedHeaders(decodeHeaderPairs(o.bytes(F_HEADERS, 'headers'), what)),
    body: o.bytes(F_BODY, 'body'),
    trailers: decodeHeaderPairs(o.bytes(F_TRAILERS, 'trailers'), `${what} trailers`),
  };
}

export function encodeZapHttpResponse(r: ZapHttpWireResponseInit): Buffer {
  return encodeResponseObject(ZAP_HTTP_RESPONSE, r, r.body ?? Buffer.alloc(0), r.trailers);
}

/** The head of a streamed response: like a response with no body and no trailers. */
export function encodeZapHttpResponseHead(r: Omit<ZapHttpWireResponseInit, 'body' | 'trailers'>): Buffer {
  return encodeResponseObject(ZAP_HTTP_RESPONSE_HEAD, r, Buffer.alloc(0), undefined);
}

export function decodeZapHttpResponse(message: Buffer): ZapHttpWireResponse {
  return decodeResponseObject(message, ZAP_HTTP_RESPONSE, 'ZAP-HTTP response');
}

export function decodeZapHttpResponseHead(message: Buffer): ZapHttpWireResponse {
  return decodeResponseObject(message, ZAP_HTTP_RESPONSE_HEAD, 'ZAP-HTTP response head');
}

/** One flushed chunk of a streamed response body. */
export function encodeZapHttpData(chunk: Buffer): Buffer {
  return buildZapMessage(ZAP_HTTP_DATA, CHUNK_OBJECT_SIZE, (o) => o.bytes(0, chunk));
}

export function decodeZapHttpData(message: Buffer): Buffer {
  return readZapRootObject(message, ZAP_HTTP_DATA, CHUNK_OBJECT_SIZE, 'ZAP-HTTP data frame').bytes(0, 'chunk');
}

/** The end of a streamed response, carrying its trailers. */
export function encodeZapHttpEnd(trailers?: ReadonlyArray<readonly [string, string]>): Buffer {
  const block = encodeHeaderPairs(sendableHeaders(trailers));
  return buildZapMessage(ZAP_HTTP_END, CHUNK_OBJECT_SIZE, (o) => o.bytes(0, block));
}

export function decodeZapHttpEnd(message: Buffer): HeaderPairs {
  const what = 'ZAP-HTTP end frame';
  return decodeHeaderPairs(readZapRootObject(message, ZAP_HTTP_END, CHUNK_OBJECT_SIZE, what).bytes(0, 'trailers'), what);
}

/** The message type (flags >> 8) of a ZAP-HTTP frame, to choose a decoder. */
export function zapHttpMessageType(message: Buffer): number {
  return parseZapMessage(message, 'ZAP-HTTP frame').type;
}

/** `[u32 BE length][message]` ready to write. */
export function zapHttpFrame(message: Buffer): Buffer {
  return encodeFrame(ZAP_HTTP_FRAME_RULES, message);
}

/** Splits a byte stream into ZAP-HTTP messages; a zero or > 64 MiB length throws FrameError. */
export function createZapHttpFrameDecoder(): FrameDecoder {
  return new FrameDecoder(ZAP_HTTP_FRAME_RULES);
}

function encodeResponseObject(
  type: number,
  r: Omit<ZapHttpWireResponseInit, 'body' | 'trailers'>,
  body: Buffer,
  trailers: ReadonlyArray<readonly [string, string]> | undefined,
): Buffer {
  if (!Number.isInteger(r.status) || r.status < 100 || r.status > 999) {
    throw new RangeError(`ZAP-HTTP response status must be an integer 100-999, got ${r.status}`);
  }
  const fields = {
    reason: latin1Bytes(r.reason ?? goStatusText(r.status), 'ZAP-HTTP response reason'),
    proto: latin1Bytes(r.proto || ZAP_HTTP_DEFAULT_PROTO, 'ZAP-HTTP response proto'),
    headers: encodeHeaderPairs(sendableHeaders(r.headers)),
    trailers: encodeHeaderPairs(sendableHeaders(trailers)),
  };
  return buildZapMessage(type, HTTP_OBJECT_SIZE, (o) => {
    o.u16(F_METHOD_OR_STATUS, r.status);
    o.bytes(F_TARGET_OR_REASON, fields.reason);
    o.bytes(F_PROTO, fields.proto);
    o.bytes(F_HEADERS, fields.headers);
    o.bytes(F_BODY, body);
    o.bytes(F_TRAILERS, fields.trailers);
  });
}

function decodeResponseObject(message: Buffer, type: number, what: string): ZapHttpWireResponse {
  const o = readZapRootObject(message, type, HTTP_OBJECT_SIZE, what);
  const status = o.u16(F_METHOD_OR_STATUS);
  if (status !== 0 && (status < 100 || status > 999)) throw new ZapMessageError(`${what}: status ${status} is not an HTTP status`);
  return {
    status: status === 0 ? 200 : status,
    reason: latin1Text(o.bytes(F_TARGET_OR_REASON, 'reason')),
    proto: latin1Text(o.bytes(F_PROTO, 'proto')),
    headers: receivedHeaders(decodeHeaderPairs(o.bytes(F_HEADERS, 'headers'), what)),
    body: o.bytes(F_BODY, 'body'),
    trailers: decodeHeaderPairs(o.bytes(F_TRAILERS, 'trailers'), `${what} trailers`),
  };
}

/** Content-Length and Trailer are never sent. */
function sendableHeaders(pairs: ReadonlyArray<readonly [string, string]> | undefined): Array<readonly [string, string]> {
  if (pairs === undefined) return [];
  return pairs.filter(([name]) => {
    const lower = name.toLowerCase();
    return lower !== 'content-length' && lower !== 'trailer';
  });
}

/** A received Content-Length pair is ignored: the body's own length is authoritative. */
function receivedHeaders(pairs: HeaderPairs): HeaderPairs {
  return pairs.filter(([name]) => name.toLowerCase() !== 'content-length');
}
