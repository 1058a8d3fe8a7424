import { describe, expect, it } from 'vitest';
import {
  decodeHttpRequest,
  decodeHttpResponse,
  encodeHttpRequest,
  encodeHttpResponse,
  MSG_HTTP_REQUEST,
  MSG_HTTP_RESPONSE,
  type ZapHttpRequest,
} from '../../../../runtime/zap/wire/http-messages.js';

/**
 * Fixed vectors of hgw's corrected type-200/201 layout (LAYOUT.md walks
 * through the request one byte group at a time). Any change to these bytes
 * is a wire break for peers that speak it.
 */
const hex = (...parts: string[]): string => parts.join('').replace(/\s+/g, '');

const REQUEST: ZapHttpRequest = {
  method: 'POST',
  path: '/v1/echo',
  query: 'a=1&b=2',
  headers: [['Host', 'gw'], ['X-A', '1'], ['X-A', '2']],
  body: Buffer.from('hi'),
};

const REQUEST_HEX = hex(
  '5a415000 0100 00c8 10000000 77000000', // "ZAP\0", version 1, flags 0xC800 (type 200), root @16, size 119
  '28000000 04000000', // @16 method  → 16+40 = 56, 4 bytes
  '24000000 08000000', // @24 path    → 24+36 = 60, 8 bytes
  '24000000 07000000', // @32 query   → 32+36 = 68, 7 bytes
  '23000000 2a000000', // @40 headers → 40+35 = 75, 42 bytes
  '45000000 02000000', // @48 body    → 48+69 = 117, 2 bytes
  '504f5354', // @56 "POST"
  '2f76312f6563686f', // @60 "/v1/echo"
  '613d3126623d32', // @68 "a=1&b=2"
  '03000000', // @75 3 pairs
  '04000000 486f7374 02000000 6777', // Host: gw
  '03000000 582d41 01000000 31', // X-A: 1
  '03000000 582d41 01000000 32', // X-A: 2
  '6869', // @117 body "hi"
);

const RESPONSE_HEX = hex(
  '5a415000 0100 00c9 10000000 4c000000', // type 201, size 76
  'c9000000 00000000', // @16 status 201 (u32), 4 zero bytes
  '10000000 22000000', // @24 headers → 24+16 = 40, 34 bytes
  '2a000000 02000000', // @32 body    → 32+42 = 74, 2 bytes
  '01000000 0c000000 436f6e74656e742d54797065 0a000000 746578742f706c61696e', // 1 pair: Content-Type: text/plain
  '6f6b', // @74 body "ok"
);

describe('hgw HTTP-over-ZAP messages (types 200/201)', () => {
  it('encodes the request vector byte for byte and decodes it back', () => {
    const bytes = encodeHttpRequest(REQUEST);
    expect(bytes.toString('hex')).toBe(REQUEST_HEX);
    expect(decodeHttpRequest(Buffer.from(REQUEST_HEX, 'hex'))).toEqual(REQUEST);
  });

  it('encodes the response vector byte for byte and decodes it back', () => {
    const response = { status: 201, headers: [['Content-Type', 'text/plain']] as Array<[string, string]>, body: Buffer.from('ok') };
    expect(encodeHttpResponse(response).toString('hex')).toBe(RESPONSE_HEX);
    expect(decodeHttpResponse(Buffer.from(RESPONSE_HEX, 'hex'))).toEqual(response);
  });

  it('writes empty fields as null slots and reads the defaults GET and /', () => {
    const bytes = encodeHttpRequest({ method: '', path: '', query: '', headers: [], body: Buffer.alloc(0) });
    expect(bytes.toString('hex')).toBe(hex('5a415000 0100 00c8 10000000 38000000', '00'.repeat(40)));
    expect(decodeHttpRequest(bytes)).toEqual({ method: 'GET', path: '/', query: '', headers: [], body: Buffer.alloc(0) });
    const response = encodeHttpResponse({ status: 204, headers: [], body: Buffer.alloc(0) });
    expect(response.toString('hex')).toBe(hex('5a415000 0100 00c9 10000000 28000000 cc000000', '00'.repeat(20)));
  });

  it('keeps repeated headers in order, raw query strings and binary bodies', () => {
    const body = Buffer.from([0, 1, 2, 255, 254, 0]);
    const req: ZapHttpRequest = {
      method: 'PATCH',
      path: '/a%20b/caf\u00e9',
      query: 'x=%2F&x=2&empty=&flag',
      headers: [['Set-Cookie', 'a=1'], ['X-Other', 'v'], ['Set-Cookie', 'b=2'], ['X-Latin1', 'caf\u00e9']],
      body,
    };
    const decoded = decodeHttpRequest(encodeHttpRequest(req));
    expect(decoded).toEqual(req);
    // Latin1: é is one byte on the wire, as Node's http layer reads it.
    expect(encodeHttpRequest(req).includes(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe(true);
  });

  it('refuses to encode what the layout cannot carry', () => {
    expect(() => encodeHttpRequest({ ...REQUEST, path: '/a?b=1' })).toThrow(/must not carry a query/);
    expect(() => encodeHttpRequest({ ...REQUEST, query: '?a=1' })).toThrow(/leading '\?'/);
    expect(() => encodeHttpRequest({ ...REQUEST, headers: [['X', '\u20ac']] })).toThrow(/not a byte/);
    expect(() => encodeHttpResponse({ status: 42, headers: [], body: Buffer.alloc(0) })).toThrow(/100-999/);
  });

  describe('decoding refuses truncated or inconsistent messages', () => {
    const request = (): Buffer => Buffer.from(REQUEST_HEX, 'hex');

    it('every truncation of the request', () => {
      const full = request();
      for (let n = 0; n < full.length; n++) {
        expect(() => decodeHttpRequest(full.subarray(0, n)), `length ${n}`).toThrow(Error);
        // The same cut with the size field rewritten to match: now the slots are what is out of range.
        if (n >= 16) {
          const cut = Buffer.from(full.subarray(0, n));
          cut.writeUInt32LE(n, 12);
          expect(() => decodeHttpRequest(cut), `length ${n}, size patched`).toThrow(Error);
        }
      }
    });

    it('a bad magic, version or message type', () => {
      const badMagic = request();
      badMagic[0] = 0x5b;
      expect(() => decodeHttpRequest(badMagic)).toThrow(/magic/);
      const badVersion = request();
      badVersion.writeUInt16LE(3, 4);
      expect(() => decodeHttpRequest(badVersion)).toThrow(/version/);
      expect(() => decodeHttpRequest(Buffer.from(RESPONSE_HEX, 'hex'))).toThrow(/expected message type 200, got 201/);
      expect(() => decodeHttpResponse(request())).toThrow(/expected message type 201, got 200/);
    });

    it('a size larger than the buffer, a root that does not fit', () => {
      const big = request();
      big.writeUInt32LE(200, 12);
      expect(() => decodeHttpRequest(big)).toThrow(/size/);
      const root = request();
      root.writeUInt32LE(100, 8);
      expect(() => decodeHttpRequest(root)).toThrow(/does not fit a message of 119 bytes/);
    });

    it('a slot pointing past the end, into the header or into the fixed section', () => {
      const past = request();
      past.writeUInt32LE(3, 52); // body length 3 from offset 117 of 119
      expect(() => decodeHttpRequest(past)).toThrow(/body \(3 bytes at offset 117\) lies outside the message/);
      const header = request();
      header.writeInt32LE(-20, 16); // method → offset -4
      expect(() => decodeHttpRequest(header)).toThrow(/method .* lies outside the message/);
      const overlap = request();
      overlap.writeInt32LE(8, 24); // path → 32, inside the 16..56 fixed section
      expect(() => decodeHttpRequest(overlap)).toThrow(/path bytes overlap the object's fixed section/);
      const nullWithLength = request();
      nullWithLength.writeInt32LE(0, 48);
      expect(() => decodeHttpRequest(nullWithLength)).toThrow(/body slot is null but declares 2 bytes/);
    });

    it('a header block whose count or lengths disagree with its size', () => {
      const count = request();
      count.writeUInt32LE(4, 75);
      expect(() => decodeHttpRequest(count)).toThrow(/header pair 3 is truncated before its name length/);
      const fewer = request();
      fewer.writeUInt32LE(2, 75);
      expect(() => decodeHttpRequest(fewer)).toThrow(/12 bytes after its 2 pairs/);
      const nameLength = request();
      nameLength.writeUInt32LE(200, 79);
      expect(() => decodeHttpRequest(nameLength)).toThrow(/pair 0 name of 200 bytes runs past the end/);
      const huge = request();
      huge.writeUInt32LE(0xffffffff, 75);
      expect(() => decodeHttpRequest(huge)).toThrow(/declares 4294967295 pairs/);
    });

    it('a path carrying a query, a status outside 100-999', () => {
      const path = request();
      path[64] = 0x3f; // "/v1/?cho"
      expect(() => decodeHttpRequest(path)).toThrow(/path carries a '\?'/);
      const status = Buffer.from(RESPONSE_HEX, 'hex');
      status.writeUInt32LE(0, 16);
      expect(() => decodeHttpResponse(status)).toThrow(/status must be an integer 100-999, got 0/);
    });
  });

  it('exports the message types', () => {
    expect([MSG_HTTP_REQUEST, MSG_HTTP_RESPONSE]).toEqual([200, 201]);
  });
});
