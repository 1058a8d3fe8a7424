import { decodeHeaderJsonMap, encodeHeaderJsonMap, type HeaderPairs } from './header-json-map.js';
import { latin1Bytes, latin1Text } from './latin1-bytes.js';
import { buildZapMessage, parseZapMessage, readZapRootObject, ZapMessageError } from './zap-message.js';

/**
 * The HIP-0110 envelopes of luxfi/zap's `forward` package (spec C4), what
 * Hanzo services serve with `forward.Serve` and the Go relay speaks:
 *
 *   Forward  (type 0x80, dataSize 72): IsAdmin bool @0, Permissions i64 @8,
 *            TenantID @16, UserID @24, Method @32, Path (raw query included)
 *            @40, ConnID @48, Headers @56 (JSON map[string][]string), Body @64
 *   Response (type 0x80, dataSize 24): Status u32 @0, Body @8, Headers @16
 *   Push     (type 0x81, dataSize 24): ConnID @0, Frame @8, Encoding @16
 *
 * A Response is tagged 0x80 like a Forward; the call's reqID says which it
 * is. Text and bytes are 8-byte slots; the tail bytes follow in field order.
 * Strings are byte strings (latin1, see latin1-bytes.ts). Byte-by-byte
 * layout with worked examples: LAYOUT.md beside this file.
 */

export const MSG_FORWARD = 0x80;
export const MSG_FORWARD_RESPONSE = 0x80;
export const MSG_PUSH = 0x81;

export const FORWARD_DATA_SIZE = 72;
export const FORWARD_RESPONSE_DATA_SIZE = 24;
export const PUSH_DATA_SIZE = 24;

export interface ForwardEnvelope {
  isAdmin: boolean;
  /** X-User-Permissions bits as a signed 64-bit value. */
  permissions: bigint;
  tenantId: string;
  userId: string;
  method: string;
  /** Path with the raw query (`/v1/x?a=1`). */
  path: string;
  connId: string;
  headers: HeaderPairs;
  body: Buffer;
}

export interface ForwardResponse {
  status: number;
  headers: HeaderPairs;
  body: Buffer;
}

/** `sse`, `ws-text` and `ws-binary` are the spec's encodings. */
export interface PushEnvelope {
  connId: string;
  frame: Buffer;
  encoding: string;
}

export function encodeForward(f: ForwardEnvelope): Buffer {
  const tenant = latin1Bytes(f.tenantId, 'Forward TenantID');
  const user = latin1Bytes(f.userId, 'Forward UserID');
  const method = latin1Bytes(f.method, 'Forward Method');
  const path = latin1Bytes(f.path, 'Forward Path');
  const conn = latin1Bytes(f.connId, 'Forward ConnID');
  const headers = encodeHeaderJsonMap(f.headers);
  return buildZapMessage(MSG_FORWARD, FORWARD_DATA_SIZE, (o) => {
    o.bool(0, f.isAdmin);
    o.i64(8, f.permissions);
    o.bytes(16, tenant);
    o.bytes(24, user);
    o.bytes(32, method);
    o.bytes(40, path);
    o.bytes(48, conn);
    o.bytes(56, headers);
    o.bytes(64, f.body);
  });
}

/** Method defaults to GET and Path to `/`, as `forward.Serve` does. The body is a view into `message`. */
export function decodeForward(message: Buffer): ForwardEnvelope {
  const what = 'ZAP Forward (type 0x80)';
  const o = readZapRootObject(message, MSG_FORWARD, FORWARD_DATA_SIZE, what);
  const method = latin1Text(o.bytes(32, 'Method'));
  const path = latin1Text(o.bytes(40, 'Path'));
  return {
    isAdmin: o.bool(0),
    permissions: o.i64(8),
    tenantId: latin1Text(o.bytes(16, 'TenantID')),
    userId: latin1Text(o.bytes(24, 'UserID')),
    method: method === '' ? 'GET' : method,
    path: path === '' ? '/' : path,
    connId: latin1Text(o.bytes(48, 'ConnID')),
    headers: decodeHeaderJsonMap(o.bytes(56, 'Headers'), what),
    body: o.bytes(64, 'Body'),
  };
}

export function encodeForwardResponse(r: ForwardResponse): Buffer {
  if (!Number.isInteger(r.status) || r.status < 100 || r.status > 999) throw new RangeError(`ZAP Response status must be an integer 100-999, got ${r.status}`);
  const headers = encodeHeaderJsonMap(r.headers);
  return buildZapMessage(MSG_FORWARD_RESPONSE, FORWARD_RESPONSE_DATA_SIZE, (o) => {
    o.u32(0, r.status);
    o.bytes(8, r.body);
    o.bytes(16, headers);
  });
}

/** The body is a view into `message`. */
export function decodeForwardResponse(message: Buffer): ForwardResponse {
  const what = 'ZAP Response (type 0x80)';
  const o = readZapRootObject(message, MSG_FORWARD_RESPONSE, FORWARD_RESPONSE_DATA_SIZE, what);
  const status = o.u32(0);
  if (status < 100 || status > 999) throw new ZapMessageError(`${what}: status must be 100-999, got ${status}`);
  return { status, body: o.bytes(8, 'Body'), headers: decodeHeaderJsonMap(o.bytes(16, 'Headers'), what) };
}

export function encodePush(p: PushEnvelope): Buffer {
  const conn = latin1Bytes(p.connId, 'Push ConnID');
  const encoding = latin1Bytes(p.encoding, 'Push Encoding');
  return buildZapMessage(MSG_PUSH, PUSH_DATA_SIZE, (o) => {
    o.bytes(0, conn);
    o.bytes(8, p.frame);
    o.bytes(16, encoding);
  });
}

/** The frame is a view into `message`. */
export function decodePush(message: Buffer): PushEnvelope {
  const o = readZapRootObject(message, MSG_PUSH, PUSH_DATA_SIZE, 'ZAP Push (type 0x81)');
  return { connId: latin1Text(o.bytes(0, 'ConnID')), frame: o.bytes(8, 'Frame'), encoding: latin1Text(o.bytes(16, 'Encoding')) };
}

/**
 * A plain one-way message read as a Push, or undefined when it is another
 * type or malformed — such messages are dropped, as a Go node drops those it
 * has no handler for.
 */
export function receivedPush(message: Buffer): PushEnvelope | undefined {
  try {
    return parseZapMessage(message).type === MSG_PUSH ? decodePush(message) : undefined;
  } catch {
    return undefined;
  }
}
