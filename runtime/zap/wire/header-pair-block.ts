import { latin1Bytes, latin1Text } from './latin1-bytes.js';
import { ZapMessageError } from './zap-message.js';

/**
 * The ZAP-HTTP header block (spec C5), shared by zap-proto/http and hgw's
 * corrected 200/201 objects: `[u32 LE count]` then, per pair,
 * `[u32 LE nameLen][name][u32 LE valueLen][value]`. A repeated name is a
 * repeated pair, order kept. No pairs → the caller writes a null slot (an
 * empty Buffer here). Unlike the JSON map of the broken Go layout (C3), the
 * order of repeated headers survives.
 */

export type HeaderPairs = Array<[string, string]>;

export function encodeHeaderPairs(pairs: ReadonlyArray<readonly [string, string]>): Buffer {
  if (pairs.length === 0) return Buffer.alloc(0);
  const encoded: Buffer[] = [];
  let total = 4;
  for (const [name, value] of pairs) {
    const n = latin1Bytes(name, `header name ${JSON.stringify(name)}`);
    const v = latin1Bytes(value, `value of header ${JSON.stringify(name)}`);
    encoded.push(n, v);
    total += 8 + n.length + v.length;
  }
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32LE(pairs.length, 0);
  let at = 4;
  for (const part of encoded) {
    out.writeUInt32LE(part.length, at);
    part.copy(out, at + 4);
    at += 4 + part.length;
  }
  return out;
}

/**
 * Decode a block; empty input (a null slot) → no pairs. The count, every
 * length and the block's end must agree exactly, or a ZapMessageError says
 * where they do not.
 */
export function decodeHeaderPairs(block: Buffer, what: string): HeaderPairs {
  if (block.length === 0) return [];
  if (block.length < 4) throw new ZapMessageError(`${what}: header block of ${block.length} bytes is shorter than its 4-byte count`);
  const count = block.readUInt32LE(0);
  // Each pair needs at least its two 4-byte lengths: refuse an impossible count before looping.
  if (count > (block.length - 4) / 8) {
    throw new ZapMessageError(`${what}: header block declares ${count} pairs but has only ${block.length - 4} bytes for them`);
  }
  const pairs: HeaderPairs = [];
  let at = 4;
  const take = (label: string, index: number): Buffer => {
    if (at + 4 > block.length) throw new ZapMessageError(`${what}: header pair ${index} is truncated before its ${label} length`);
    const length = block.readUInt32LE(at);
    at += 4;
    if (length > block.length - at) {
      throw new ZapMessageError(`${what}: header pair ${index} ${label} of ${length} bytes runs past the end of the block`);
    }
    const bytes = block.subarray(at, at + length);
    at += length;
    return bytes;
  };
  for (let i = 0; i < count; i++) {
    const name = take('name', i);
    const value = take('value', i);
    pairs.push([latin1Text(name), latin1Text(value)]);
  }
  if (at !== block.length) {
    throw new ZapMessageError(`${what}: header block has ${block.length - at} bytes after its ${count} pairs`);
  }
  return pairs;
}
