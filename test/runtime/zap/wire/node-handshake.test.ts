import { describe, expect, it } from 'vitest';
import { decodeHandshake, encodeHandshake, handshakeFrame } from '../../../../runtime/zap/wire/node-handshake.js';
import { CALL_REQUEST, callFrameHead, createNodeFrameDecoder, NODE_MAX_FRAME, parseNodePayload } from '../../../../runtime/zap/wire/node-framing.js';

/** Spec C2's example: `5a415000 0100 0000 10000000 50000000 | 67617465776179 00…(53 zero bytes) | 07000000`. */
const GATEWAY_HANDSHAKE = '5a415000' + '0100' + '0000' + '10000000' + '50000000' + '67617465776179' + '00'.repeat(53) + '07000000';

describe('luxfi/zap node handshake and framing', () => {
  it('encodes the handshake for node id "gateway" exactly as C2 shows', () => {
    expect(encodeHandshake('gateway').toString('hex')).toBe(GATEWAY_HANDSHAKE);
    expect(handshakeFrame('gateway').toString('hex')).toBe('50000000' + GATEWAY_HANDSHAKE);
    expect(decodeHandshake(Buffer.from(GATEWAY_HANDSHAKE, 'hex'))).toBe('gateway');
  });

  it('accepts ids of 1-60 bytes, including a version-2 header', () => {
    const sixty = 'n'.repeat(60);
    expect(decodeHandshake(encodeHandshake(sixty))).toBe(sixty);
    expect(decodeHandshake(encodeHandshake('x'))).toBe('x');
    const v2 = Buffer.from(GATEWAY_HANDSHAKE, 'hex');
    v2.writeUInt16LE(2, 4);
    expect(decodeHandshake(v2)).toBe('gateway');
  });

  it('refuses invalid ids on both sides', () => {
    expect(() => encodeHandshake('')).toThrow(/1-60 bytes/);
    expect(() => encodeHandshake('n'.repeat(61))).toThrow(/1-60 bytes, got 61/);
    const zero = Buffer.from(GATEWAY_HANDSHAKE, 'hex');
    zero.writeUInt32LE(0, 76);
    expect(() => decodeHandshake(zero)).toThrow(/invalid peer handshake: node id length 0/);
    const long = Buffer.from(GATEWAY_HANDSHAKE, 'hex');
    long.writeUInt32LE(61, 76);
    expect(() => decodeHandshake(long)).toThrow(/invalid peer handshake: node id length 61/);
    expect(() => decodeHandshake(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toThrow(/invalid peer handshake: .*magic/);
    expect(() => decodeHandshake(Buffer.from(GATEWAY_HANDSHAKE, 'hex').subarray(0, 60))).toThrow(/invalid peer handshake/);
  });

  it('frames with a little-endian length: 10 MiB accepted, one byte more refused', () => {
    const atLimit = createNodeFrameDecoder();
    atLimit.push(Buffer.from([0x00, 0x00, 0xa0, 0x00])); // 10 MiB, LE
    expect(atLimit.next()).toBeUndefined();
    const over = createNodeFrameDecoder();
    over.push(Buffer.from([0x01, 0x00, 0xa0, 0x00]));
    expect(() => over.next()).toThrow(/ZAP node frame of 10485761 bytes exceeds the 10485760-byte limit/);
    expect(NODE_MAX_FRAME).toBe(10485760);
  });

  it('classifies call payloads by bytes 4-7', () => {
    const head = callFrameHead(7, CALL_REQUEST, 3);
    expect(head.toString('hex')).toBe('0b000000' + '07000000' + '01000000');
    const payload = Buffer.concat([head.subarray(4), Buffer.from('abc')]);
    expect(parseNodePayload(payload)).toEqual({ kind: 'request', reqId: 7, message: Buffer.from('abc') });
    payload.writeUInt32LE(2, 4);
    expect(parseNodePayload(payload)).toMatchObject({ kind: 'response', reqId: 7 });
    payload.writeUInt32LE(0x0100_0000, 4);
    expect(parseNodePayload(payload).kind).toBe('plain');
  });
});
