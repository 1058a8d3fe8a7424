import { FrameDecoder, framePrefix, type FrameRules } from './length-prefixed-frames.js';

/**
 * Frames of the luxfi/zap node transport (spec C2): `[u32 LE length][payload]`
 * on TCP, a payload longer than 10 MiB refused (the Go reader rejects it, so
 * hgw neither sends nor accepts one). Inside a frame, a call carries
 * `[u32 LE reqID][u32 LE flag][ZAP message]` with flag 1 = request,
 * 2 = response; any other payload is a plain one-way ZAP message.
 */

export const NODE_MAX_FRAME = 10 * 1024 * 1024;

export const NODE_FRAME_RULES: FrameRules = {
  byteOrder: 'LE',
  maxLength: NODE_MAX_FRAME,
  allowEmpty: true,
  name: 'ZAP node',
};

export const CALL_REQUEST = 1;
export const CALL_RESPONSE = 2;
export const CALL_HEADER_SIZE = 8;
/** Largest ZAP message one call (request or response) can carry. */
export const NODE_MAX_CALL_MESSAGE = NODE_MAX_FRAME - CALL_HEADER_SIZE;

export function createNodeFrameDecoder(): FrameDecoder {
  return new FrameDecoder(NODE_FRAME_RULES);
}

/** Length prefix + call header; write the message after it (no copy of the message). */
export function callFrameHead(reqId: number, flag: typeof CALL_REQUEST | typeof CALL_RESPONSE, messageLength: number): Buffer {
  const prefix = framePrefix(NODE_FRAME_RULES, CALL_HEADER_SIZE + messageLength);
  const head = Buffer.allocUnsafe(4 + CALL_HEADER_SIZE);
  prefix.copy(head, 0);
  head.writeUInt32LE(reqId >>> 0, 4);
  head.writeUInt32LE(flag, 8);
  return head;
}

export type NodePayload =
  | { kind: 'request' | 'response'; reqId: number; message: Buffer }
  | { kind: 'plain'; message: Buffer };

/** Classify a frame payload the way the Go receive loop does: bytes 4–7 equal to 1 or 2 mean a call. */
export function parseNodePayload(payload: Buffer): NodePayload {
  if (payload.length >= CALL_HEADER_SIZE) {
    const flag = payload.readUInt32LE(4);
    if (flag === CALL_REQUEST || flag === CALL_RESPONSE) {
      return { kind: flag === CALL_REQUEST ? 'request' : 'response', reqId: payload.readUInt32LE(0), message: payload.subarray(CALL_HEADER_SIZE) };
    }
  }
  return { kind: 'plain', message: payload };
}
