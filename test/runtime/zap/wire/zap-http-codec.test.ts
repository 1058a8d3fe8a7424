import { describe, expect, it } from 'vitest';
import { FrameError } from '../../../../runtime/zap/wire/length-prefixed-frames.js';
import {
  createZapHttpFrameDecoder,
  decodeZapHttpData,
  decodeZapHttpEnd,
  decodeZapHttpRequest,
  decodeZapHttpResponse,
  decodeZapHttpResponseHead,
  encodeZapHttpData,
  encodeZapHttpEnd,
  encodeZapHttpRequest,
  encodeZapHttpResponse,
  encodeZapHttpResponseHead,
  zapHttpFrame,
  zapHttpMessageType,
  ZAP_HTTP_DATA,
  ZAP_HTTP_END,
  ZAP_HTTP_MAX_FRAME,
  ZAP_HTTP_RESPONSE_HEAD,
} from '../../../../runtime/zap/wire/zap-http-codec.js';

/** zap-proto/http's own golden vector (spec C5): an empty GET /health HTTP/1.1. */
const GOLDEN = [
  '5a4150000100000110000000520000003000000003000000',
  '2b000000070000002a00000008000000',
  '00'.repeat(24),
  '474554',
  '2f6865616c7468',
  '485454502f312e31',
].join('');

describe('ZAP-HTTP codec (zap-proto/http v0.3.x)', () => {
  it('decodes the golden vector and re-encodes it byte for byte', () => {
    const req = decodeZapHttpRequest(Buffer.from(GOLDEN, 'hex'));
    expect(req).toEqual({ method: 'GET', target: '/health', proto: 'HTTP/1.1', headers: [], body: Buffer.alloc(0), trailers: [] });
    expect(encodeZapHttpRequest(req).toString('hex')).toBe(GOLDEN);
  });

  it('round-trips a full request; Content-Length and Trailer pairs are not sent, Host is', () => {
    const bytes = encodeZapHttpRequest({
      method: 'POST',
      target: '/v1/chat?stream=false',
      headers: [['Host', 'api.hanzo.ai'], ['Content-Length', '5'], ['Trailer', 'X-T'], ['Accept', 'a'], ['Accept', 'b']],
      body: Buffer.from('hello'),
      trailers: [['X-T', '1']],
    });
    expect(decodeZapHttpRequest(bytes)).toEqual({
      method: 'POST',
      target: '/v1/chat?stream=false',
      proto: 'ZAP-HTTP/1.0',
      headers: [['Host', 'api.hanzo.ai'], ['Accept', 'a'], ['Accept', 'b']],
      body: Buffer.from('hello'),
      trailers: [['X-T', '1']],
    });
  });

  it('ignores a received Content-Length pair and reads an empty method as GET', () => {
    const withLength = Buffer.from(GOLDEN, 'hex');
    // Rebuild with a header block that carries Content-Length (as a non-Go sender might).
    const block = Buffer.concat([u32(1), u32(14), Buffer.from('Content-Length'), u32(2), Buffer.from('99')]);
    const msg = Buffer.concat([withLength.subarray(0, 82), block]);
    msg.writeUInt32LE(82 + block.length, 12);
    msg.writeInt32LE(82 - 40, 40); // headers slot @40 → 82
    msg.writeUInt32LE(block.length, 44);
    msg.writeInt32LE(0, 16); // null method
    msg.writeUInt32LE(0, 20);
    const req = decodeZapHttpRequest(msg);
    expect(req.headers).toEqual([]);
    expect(req.method).toBe('GET');
  });

  it('round-trips responses, filling Go reason phrases and reading status 0 as 200', () => {
    const bytes = encodeZapHttpResponse({ status: 413, headers: [['Content-Type', 'text/plain']], body: Buffer.from('big') });
    expect(decodeZapHttpResponse(bytes)).toEqual({
      status: 413,
      reason: 'Request Entity Too Large',
      proto: 'ZAP-HTTP/1.0',
      headers: [['Content-Type', 'text/plain']],
      body: Buffer.from('big'),
      trailers: [],
    });
    // status u16 @16, then the reason slot: this is the response layout, not the request's.
    expect(bytes.readUInt16LE(16)).toBe(413);
    expect(bytes.readUInt16LE(6) >> 8).toBe(2);
    const zero = Buffer.from(bytes);
    zero.writeUInt16LE(0, 16);
    expect(decodeZapHttpResponse(zero).status).toBe(200);
    expect(decodeZapHttpResponse(encodeZapHttpResponse({ status: 299, reason: '' })).reason).toBe('');
  });

  it('encodes the streaming frames: head, data chunks, end with trailers', () => {
    const head = encodeZapHttpResponseHead({ status: 200, headers: [['Content-Type', 'text/event-stream']] });
    expect(zapHttpMessageType(head)).toBe(ZAP_HTTP_RESPONSE_HEAD);
    expect(decodeZapHttpResponseHead(head)).toMatchObject({ status: 200, reason: 'OK', body: Buffer.alloc(0) });
    expect(() => decodeZapHttpResponse(head)).toThrow(/expected message type 2, got 3/);
    const data = encodeZapHttpData(Buffer.from('data: 1\n\n'));
    expect(zapHttpMessageType(data)).toBe(ZAP_HTTP_DATA);
    expect(data.length).toBe(16 + 8 + 9);
    expect(decodeZapHttpData(data).toString()).toBe('data: 1\n\n');
    const end = encodeZapHttpEnd([['Grpc-Status', '0']]);
    expect(zapHttpMessageType(end)).toBe(ZAP_HTTP_END);
    expect(decodeZapHttpEnd(end)).toEqual([['Grpc-Status', '0']]);
    expect(decodeZapHttpEnd(encodeZapHttpEnd())).toEqual([]);
  });

  it('frames with a big-endian length and refuses zero or over-64-MiB lengths', () => {
    const frame = zapHttpFrame(Buffer.from(GOLDEN, 'hex'));
    expect(frame.subarray(0, 4).toString('hex')).toBe('00000052');
    const decoder = createZapHttpFrameDecoder();
    // Byte by byte, two frames back to back.
    for (const byte of Buffer.concat([frame, frame])) decoder.push(Buffer.from([byte]));
    expect(decoder.next()?.toString('hex')).toBe(GOLDEN);
    expect(decoder.next()?.toString('hex')).toBe(GOLDEN);
    expect(decoder.next()).toBeUndefined();

    const zero = createZapHttpFrameDecoder();
    zero.push(Buffer.from('00000000', 'hex'));
    expect(() => zero.next()).toThrow(FrameError);
    const over = createZapHttpFrameDecoder();
    over.push(Buffer.from((ZAP_HTTP_MAX_FRAME + 1).toString(16).padStart(8, '0'), 'hex'));
    expect(() => over.next()).toThrow(/exceeds the 67108864-byte limit/);
    const atLimit = createZapHttpFrameDecoder();
    atLimit.push(Buffer.from(ZAP_HTTP_MAX_FRAME.toString(16).padStart(8, '0'), 'hex'));
    expect(atLimit.next()).toBeUndefined(); // accepted, waiting for the bytes
  });

  it('refuses inconsistent messages', () => {
    const golden = Buffer.from(GOLDEN, 'hex');
    const past = Buffer.from(golden);
    past.writeUInt32LE(9, 36); // proto length 9 from offset 74 of 82
    expect(() => decodeZapHttpRequest(past)).toThrow(/proto .* lies outside the message/);
    expect(() => decodeZapHttpResponse(golden)).toThrow(/expected message type 2, got 1/);
  });
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}
