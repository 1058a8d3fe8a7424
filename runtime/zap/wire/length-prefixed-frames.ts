/**
 * `[u32 length][payload]` framing over a byte stream. ZAP uses it twice with
 * different rules: the luxfi/zap node transport (little-endian, ≤ 10 MiB) and
 * ZAP-HTTP (big-endian, 1 B – 64 MiB). The decoder refuses an over-long frame
 * as soon as its 4-byte length arrives, before buffering any of it, and joins
 * chunks only once a frame is complete, so a large frame costs one copy.
 */

export type ByteOrder = 'LE' | 'BE';

export interface FrameRules {
  byteOrder: ByteOrder;
  /** Largest payload accepted, in bytes. */
  maxLength: number;
  /** Whether a zero-length payload is a frame (ZAP-HTTP: no). */
  allowEmpty: boolean;
  /** Names the protocol in errors. */
  name: string;
}

/** The stream cannot be framed (too long, or an empty frame where none is allowed); the connection is unusable. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** The 4-byte length prefix for a payload of `length` bytes (checked against the rules). */
export function framePrefix(rules: FrameRules, length: number): Buffer {
  checkLength(rules, length);
  const prefix = Buffer.allocUnsafe(4);
  if (rules.byteOrder === 'LE') prefix.writeUInt32LE(length, 0);
  else prefix.writeUInt32BE(length, 0);
  return prefix;
}

/** Prefix + payload in one Buffer (copies; write the prefix and the parts separately to avoid that). */
export function encodeFrame(rules: FrameRules, ...parts: Buffer[]): Buffer {
  const length = parts.reduce((n, p) => n + p.length, 0);
  return Buffer.concat([framePrefix(rules, length), ...parts], 4 + length);
}

export class FrameDecoder {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being collected, once its prefix is known. */
  private pending: number | undefined;

  constructor(private readonly rules: FrameRules) {}

  /** Bytes received but not yet returned as a frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Feed bytes; take the frames they complete with next(). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete frame already buffered, if any. Throws FrameError on a bad length. */
  next(): Buffer | undefined {
    if (this.pending === undefined) {
      if (this.buffered < 4) return undefined;
      const prefix = this.take(4);
      const length = this.rules.byteOrder === 'LE' ? prefix.readUInt32LE(0) : prefix.readUInt32BE(0);
      checkLength(this.rules, length);
      this.pending = length;
    }
    if (this.buffered < this.pending) return undefined;
    const frame = this.take(this.pending);
    this.pending = undefined;
    return frame;
  }

  /** Remove and return the first n buffered bytes (n ≤ buffered). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const chunk = this.chunks[0];
      if (chunk === undefined) throw new Error('FrameDecoder: buffered byte count out of sync');
      const used = Math.min(chunk.length, n - at);
      chunk.copy(out, at, 0, used);
      at += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}

function checkLength(rules: FrameRules, length: number): void {
  if (length > rules.maxLength) {
    throw new FrameError(`${rules.name} frame of ${length} bytes exceeds the ${rules.maxLength}-byte limit`);
  }
  if (length === 0 && !rules.allowEmpty) throw new FrameError(`${rules.name} frame of zero length`);
}
