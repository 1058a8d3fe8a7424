import { NODE_FRAME_RULES } from './node-framing.js';
import { encodeFrame } from './length-prefixed-frames.js';
import { buildZapMessage, parseZapMessage, ZAP_HEADER_SIZE } from './zap-message.js';

/**
 * The luxfi/zap node handshake (spec C2): each side sends one 80-byte ZAP
 * message, flags 0, whose 64-byte root object holds the node ID's bytes at
 * 0–59 and their count as u32 at 60. The Go sender truncates a longer ID to
 * 60 bytes; hgw refuses one instead (a truncated ID would not match the peer
 * ID the other side calls). A received ID must be 1–60 bytes.
 */

export const NODE_ID_MAX_BYTES = 60;
const HANDSHAKE_OBJECT_SIZE = 64;
export const HANDSHAKE_MESSAGE_SIZE = ZAP_HEADER_SIZE + HANDSHAKE_OBJECT_SIZE;

export class HandshakeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandshakeError';
  }
}

/** Throws unless `nodeId` is 1–60 UTF-8 bytes; returns those bytes. */
export function nodeIdBytes(nodeId: string): Buffer {
  const bytes = Buffer.from(nodeId, 'utf8');
  if (bytes.length < 1 || bytes.length > NODE_ID_MAX_BYTES) {
    throw new RangeError(`ZAP node id must be 1-${NODE_ID_MAX_BYTES} bytes, got ${bytes.length}: ${JSON.stringify(nodeId)}`);
  }
  return bytes;
}

/** The 80-byte handshake message (without its length prefix). */
export function encodeHandshake(nodeId: string): Buffer {
  const id = nodeIdBytes(nodeId);
  return buildZapMessage(0, HANDSHAKE_OBJECT_SIZE, (o) => {
    for (let i = 0; i < id.length; i++) o.u8(i, id[i] ?? 0);
    o.u32(NODE_ID_MAX_BYTES, id.length);
  });
}

/** The handshake as it goes on the wire: 84 bytes, length prefix included. */
export function handshakeFrame(nodeId: string): Buffer {
  return encodeFrame(NODE_FRAME_RULES, encodeHandshake(nodeId));
}

/** The peer's node id, or HandshakeError("invalid peer handshake: …"). */
export function decodeHandshake(message: Buffer): string {
  let root: number;
  let bytes: Buffer;
  try {
    const parsed = parseZapMessage(message, 'handshake');
    root = parsed.rootOffset;
    bytes = parsed.bytes;
  } catch (err) {
    throw new HandshakeError(`invalid peer handshake: ${(err as Error).message}`);
  }
  if (root < ZAP_HEADER_SIZE || root + NODE_ID_MAX_BYTES + 4 > bytes.length) {
    throw new HandshakeError(`invalid peer handshake: no ${HANDSHAKE_OBJECT_SIZE}-byte node id object in ${bytes.length} bytes`);
  }
  const length = bytes.readUInt32LE(root + NODE_ID_MAX_BYTES);
  if (length < 1 || length > NODE_ID_MAX_BYTES) {
    throw new HandshakeError(`invalid peer handshake: node id length ${length} (must be 1-${NODE_ID_MAX_BYTES})`);
  }
  return bytes.toString('utf8', root, root + length);
}
