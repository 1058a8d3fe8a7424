import { describe, expect, it } from 'vitest';
import {
  decodeForward, decodeForwardResponse, decodePush, encodeForward, encodeForwardResponse, encodePush,
} from '../../../../runtime/zap/wire/forward-envelopes.js';
import { decodeHeaderJsonMap, encodeHeaderJsonMap } from '../../../../runtime/zap/wire/header-json-map.js';

/**
 * Fixed byte vectors for the HIP-0110 envelopes, each derived by hand from
 * the spec (C1 message layout, C4 field table) — not produced by the encoder:
 *
 *  - Header (C1): "ZAP\0" = 5a415000; version u16 LE 1 = 0100; flags u16 LE
 *    = type << 8: Forward/Response 0x8000 → 00 80, Push 0x8100 → 00 81;
 *    rootOffset u32 LE 16 = 10000000; size u32 LE = total length.
 *  - Root object at 16, its fixed section dataSize bytes (C4: 72 / 24 / 24),
 *    zero-filled, scalars LE at their offsets.
 *  - Text/bytes slot = {relOffset i32 LE, length u32 LE}, relOffset counted
 *    from the slot's own absolute offset; tails follow the fixed section with
 *    no padding, in the order the fields are set (field order here).
 *  - Headers: Go json.Marshal of map[string][]string (keys sorted, no spaces).
 */

// Forward: IsAdmin true, Permissions 5, TenantID "org", UserID "u1", POST
// "/v1/x?a=1", ConnID "c1", Content-Type: text/plain, body "hi".
// Fixed section 16..87, tails from 88: "org" 88–90, "u1" 91–92, "POST" 93–96,
// "/v1/x?a=1" 97–105, "c1" 106–107, headers JSON (31 bytes) 108–138, "hi" 139–140 → size 141 = 0x8d.
const FORWARD_HEX = [
  '5a415000', '0100', '0080', '10000000', '8d000000', // header, size 141
  '0100000000000000', // @16 IsAdmin = 1, then zero padding up to Permissions
  '0500000000000000', // @24 Permissions i64 = 5
  '38000000', '03000000', // @32 TenantID: 88 − 32 = 56 = 0x38, 3 bytes
  '33000000', '02000000', // @40 UserID: 91 − 40 = 51 = 0x33, 2 bytes
  '2d000000', '04000000', // @48 Method: 93 − 48 = 45 = 0x2d, 4 bytes
  '29000000', '09000000', // @56 Path: 97 − 56 = 41 = 0x29, 9 bytes
  '2a000000', '02000000', // @64 ConnID: 106 − 64 = 42 = 0x2a, 2 bytes
  '24000000', '1f000000', // @72 Headers: 108 − 72 = 36 = 0x24, 31 bytes
  '3b000000', '02000000', // @80 Body: 139 − 80 = 59 = 0x3b, 2 bytes
  '6f7267', '7531', '504f5354', '2f76312f783f613d31', '6331', // org u1 POST /v1/x?a=1 c1
  '7b22436f6e74656e742d54797065223a5b22746578742f706c61696e225d7d', // {"Content-Type":["text/plain"]}
  '6869', // hi
].join('');

// Response: Status 200, body "ok", X-A: 1 and X-A: 2. Fixed section 16..39,
// tails from 40: "ok" 40–41, headers JSON (17 bytes) 42–58 → size 59 = 0x3b.
const RESPONSE_HEX = [
  '5a415000', '0100', '0080', '10000000', '3b000000',
  'c8000000', '00000000', // @16 Status u32 = 200, 4 zero bytes up to the Body slot
  '10000000', '02000000', // @24 Body: 40 − 24 = 16, 2 bytes
  '0a000000', '11000000', // @32 Headers: 42 − 32 = 10, 17 bytes
  '6f6b', // ok
  '7b22582d41223a5b2231222c2232225d7d', // {"X-A":["1","2"]}
].join('');

// Push: ConnID "c1", Frame "data: one\n\n", Encoding "sse". Fixed section
// 16..39, tails from 40: "c1" 40–41, frame 42–52, "sse" 53–55 → size 56 = 0x38.
const PUSH_HEX = [
  '5a415000', '0100', '0081', '10000000', '38000000',
  '18000000', '02000000', // @16 ConnID: 40 − 16 = 24, 2 bytes
  '12000000', '0b000000', // @24 Frame: 42 − 24 = 18, 11 bytes
  '15000000', '03000000', // @32 Encoding: 53 − 32 = 21, 3 bytes
  '6331', '646174613a206f6e650a0a', '737365', // c1, "data: one\n\n", sse
].join('');

describe('HIP-0110 envelopes: fixed vectors', () => {
  it('Forward', () => {
    const forward = {
      isAdmin: true, permissions: 5n, tenantId: 'org', userId: 'u1', method: 'POST', path: '/v1/x?a=1', connId: 'c1',
      headers: [['Content-Type', 'text/plain']] as Array<[string, string]>, body: Buffer.from('hi'),
    };
    expect(encodeForward(forward).toString('hex')).toBe(FORWARD_HEX);
    expect(decodeForward(Buffer.from(FORWARD_HEX, 'hex'))).toEqual(forward);
  });

  it('Response', () => {
    const response = { status: 200, headers: [['X-A', '1'], ['X-A', '2']] as Array<[string, string]>, body: Buffer.from('ok') };
    expect(encodeForwardResponse(response).toString('hex')).toBe(RESPONSE_HEX);
    expect(decodeForwardResponse(Buffer.from(RESPONSE_HEX, 'hex'))).toEqual(response);
  });

  it('Push', () => {
    const push = { connId: 'c1', frame: Buffer.from('data: one\n\n'), encoding: 'sse' };
    expect(encodePush(push).toString('hex')).toBe(PUSH_HEX);
    expect(decodePush(Buffer.from(PUSH_HEX, 'hex'))).toEqual(push);
  });
});

describe('HIP-0110 envelopes: decoding', () => {
  it('reads an empty Method as GET and an empty Path as /, as forward.Serve does', () => {
    const f = decodeForward(encodeForward({ isAdmin: false, permissions: 0n, tenantId: '', userId: '', method: '', path: '', connId: '', headers: [], body: Buffer.alloc(0) }));
    expect([f.method, f.path]).toEqual(['GET', '/']);
  });

  it('carries Permissions as a signed 64-bit value', () => {
    const f = decodeForward(encodeForward({ isAdmin: false, permissions: -1n, tenantId: '', userId: '', method: 'GET', path: '/', connId: '', headers: [], body: Buffer.alloc(0) }));
    expect(f.permissions).toBe(-1n);
  });

  it('refuses a truncated envelope, a wrong type and headers that are not a JSON map of string lists', () => {
    const forward = Buffer.from(FORWARD_HEX, 'hex');
    expect(() => decodeForward(forward.subarray(0, 100))).toThrow();
    expect(() => decodeForward(Buffer.from(PUSH_HEX, 'hex'))).toThrow(/expected message type 128/);
    expect(() => decodeHeaderJsonMap(Buffer.from('{"A":"x"}'), 'test')).toThrow(/list of strings/);
    expect(() => decodeHeaderJsonMap(Buffer.from('[1]'), 'test')).toThrow(/JSON object/);
  });
});

describe('Headers JSON (Go http.Header through json.Marshal)', () => {
  it('groups lines by canonical name, sorts keys by bytes and escapes as Go does', () => {
    const json = encodeHeaderJsonMap([['x-b', '<&>'], ['X-A', '1'], ['x-a', '2']]).toString();
    expect(json).toBe('{"X-A":["1","2"],"X-B":["\\u003c\\u0026\\u003e"]}');
  });

  it("keeps a value's UTF-8 bytes through the round trip (Node's one-char-per-byte form)", () => {
    const wire = Buffer.from('café', 'utf8').toString('latin1');
    expect(decodeHeaderJsonMap(encodeHeaderJsonMap([['X-Name', wire]]), 'test')).toEqual([['X-Name', wire]]);
  });
});
