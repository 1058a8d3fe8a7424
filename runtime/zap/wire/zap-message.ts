import { Message, VERSION_1 } from '@zap-proto/zap';

/**
 * One ZAP message (spec C1): a 16-byte little-endian header — "ZAP\0", version,
 * flags with the message TYPE in the upper byte, rootOffset, size — then one
 * root object whose fixed section holds scalars and 8-byte text/bytes slots
 * `{relOffset i32, length u32}`; the slots' bytes follow the fixed section in
 * the order the fields were set.
 *
 * Writing follows @zap-proto/zap's Builder byte for byte (buildZapMessage).
 * Reading does not use the library's views: they
 * answer "empty" for a slot that points out of range, as the Go readers do,
 * whereas hgw must refuse a truncated or inconsistent message with a clear
 * error. So the reader here is strict; the header check is the library's.
 */

export const ZAP_HEADER_SIZE = 16;
export const ZAP_SLOT_SIZE = 8;
/** Version written by hgw (luxfi/zap v0.6.0 and zap-proto/go accept it). */
export const ZAP_VERSION = VERSION_1;

/** A message that cannot be read: what was expected and what was found. */
export class ZapMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZapMessageError';
  }
}

/** Fields of the root object, set in call order (that order is the tail order). */
export interface ZapObjectWriter {
  u8(offset: number, value: number): void;
  u16(offset: number, value: number): void;
  u32(offset: number, value: number): void;
  /** Go bool: one byte, 1 or 0. */
  bool(offset: number, value: boolean): void;
  /** Signed 64-bit, two's complement. */
  i64(offset: number, value: bigint): void;
  /** UTF-8 text; empty → null slot. */
  text(offset: number, value: string): void;
  /** Raw bytes; empty → null slot. */
  bytes(offset: number, value: Uint8Array): void;
}

const SCALAR_WIDTH = { u8: 1, u16: 2, u32: 4 } as const;
const SCALAR_MAX = { u8: 0xff, u16: 0xffff, u32: 0xffffffff } as const;
const MAGIC = Buffer.from('ZAP\0', 'latin1');

/**
 * The root object being built: scalars go straight into its (zeroed) fixed
 * section, text/bytes fields are kept by reference until the message's size
 * is known, then copied once into place.
 */
class RootWriter implements ZapObjectWriter {
  readonly fixed: Buffer;
  readonly tails: Array<{ offset: number; value: Uint8Array }> = [];
  tailBytes = 0;

  constructor(readonly dataSize: number) {
    this.fixed = Buffer.alloc(dataSize);
  }

  u8(offset: number, value: number): void {
    this.scalar('u8', offset, value);
    this.fixed.writeUInt8(value, offset);
  }

  u16(offset: number, value: number): void {
    this.scalar('u16', offset, value);
    this.fixed.writeUInt16LE(value, offset);
  }

  u32(offset: number, value: number): void {
    this.scalar('u32', offset, value);
    this.fixed.writeUInt32LE(value, offset);
  }

  bool(offset: number, value: boolean): void {
    this.u8(offset, value ? 1 : 0);
  }

  i64(offset: number, value: bigint): void {
    this.checkField(offset, 8);
    if (BigInt.asIntN(64, value) !== value) throw new RangeError(`ZAP i64 field at offset ${offset} out of range: ${value}`);
    this.fixed.writeBigInt64LE(value, offset);
  }

  text(offset: number, value: string): void {
    this.bytes(offset, Buffer.from(value, 'utf8'));
  }

  bytes(offset: number, value: Uint8Array): void {
    this.checkField(offset, ZAP_SLOT_SIZE);
    // Empty → null slot: both words stay zero.
    if (value.byteLength === 0) return;
    this.tailBytes += value.byteLength;
    this.tails.push({ offset, value });
  }

  private scalar(kind: 'u8' | 'u16' | 'u32', offset: number, value: number): void {
    this.checkField(offset, SCALAR_WIDTH[kind]);
    if (!Number.isInteger(value) || value < 0 || value > SCALAR_MAX[kind]) throw new RangeError(`ZAP ${kind} field at offset ${offset} out of range: ${value}`);
  }

  private checkField(offset: number, width: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + width > this.dataSize) {
      throw new RangeError(`ZAP field at offset ${offset} (width ${width}) does not fit an object of dataSize ${this.dataSize}`);
    }
  }
}

/**
 * Build a message of `type` (0–255, written as `flags = type << 8`) whose root
 * object (at offset 16) has a fixed section of `dataSize` bytes. The bytes are
 * those @zap-proto/zap's Builder writes (and the Go builders): header, fixed
 * section, then each text/bytes field's data in the order the fields were set,
 * unaligned, its slot `{relOffset from the slot, length}` — written here
 * directly, in one buffer and one copy of each field, since the library's
 * builder copies every field twice and cost more than the rest of a ZAP hop.
 */
export function buildZapMessage(type: number, dataSize: number, write: (o: ZapObjectWriter) => void): Buffer {
  if (!Number.isInteger(type) || type < 0 || type > 0xff) throw new RangeError(`ZAP message type must be 0-255, got ${type}`);
  if (!Number.isInteger(dataSize) || dataSize < 0) throw new RangeError(`ZAP object dataSize must be a non-negative integer, got ${dataSize}`);
  const root = new RootWriter(dataSize);
  write(root);
  const total = ZAP_HEADER_SIZE + dataSize + root.tailBytes;
  if (total > 0xffffffff) throw new RangeError(`ZAP message of ${total} bytes does not fit the u32 size field`);
  const out = Buffer.allocUnsafe(total);
  MAGIC.copy(out, 0);
  out.writeUInt16LE(ZAP_VERSION, 4);
  out.writeUInt16LE((type << 8) & 0xffff, 6);
  out.writeUInt32LE(ZAP_HEADER_SIZE, 8);
  out.writeUInt32LE(total, 12);
  root.fixed.copy(out, ZAP_HEADER_SIZE);
  let at = ZAP_HEADER_SIZE + dataSize;
  for (const { offset, value } of root.tails) {
    const slot = ZAP_HEADER_SIZE + offset;
    out.writeInt32LE(at - slot, slot);
    out.writeUInt32LE(value.byteLength, slot + 4);
    out.set(value, at);
    at += value.byteLength;
  }
  return out;
}

/** A validated header plus strict access to the root object's fields. */
export interface ZapMessage {
  readonly version: number;
  readonly flags: number;
  /** `flags >> 8`. */
  readonly type: number;
  readonly rootOffset: number;
  /** The message cut to its declared size (bytes beyond it are ignored). */
  readonly bytes: Buffer;
}

/** Validate the header (magic, version 1 or 2, size within the buffer). */
export function parseZapMessage(message: Buffer, what = 'ZAP message'): ZapMessage {
  let parsed: Message;
  try {
    parsed = Message.parse(message);
  } catch (err) {
    throw new ZapMessageError(`${what}: ${(err as Error).message}`);
  }
  const bytes = message.subarray(0, parsed.size());
  const flags = parsed.flags();
  return {
    version: bytes.readUInt16LE(4),
    flags,
    type: flags >> 8,
    rootOffset: bytes.readUInt32LE(8),
    bytes,
  };
}

/**
 * Strict reader of one object's fixed section: every slot must be null
 * (relOffset 0, length 0) or point at bytes inside the message and outside
 * this object's fixed section; otherwise a ZapMessageError names the field.
 */
export class ZapObjectReader {
  private readonly end: number;

  constructor(
    private readonly message: ZapMessage,
    readonly offset: number,
    readonly dataSize: number,
    private readonly what: string,
  ) {
    this.end = offset + dataSize;
    if (offset < ZAP_HEADER_SIZE || this.end > message.bytes.length) {
      throw new ZapMessageError(
        `${what}: object at offset ${offset} with ${dataSize} fixed bytes does not fit a message of ${message.bytes.length} bytes`,
      );
    }
  }

  u8(field: number): number {
    return this.message.bytes.readUInt8(this.at(field, 1));
  }

  u16(field: number): number {
    return this.message.bytes.readUInt16LE(this.at(field, 2));
  }

  u32(field: number): number {
    return this.message.bytes.readUInt32LE(this.at(field, 4));
  }

  i64(field: number): bigint {
    return this.message.bytes.readBigInt64LE(this.at(field, 8));
  }

  /** Go's reader: any non-zero byte is true. */
  bool(field: number): boolean {
    return this.u8(field) !== 0;
  }

  /** The slot's bytes, a view into the message (not a copy); empty for a null slot. */
  bytes(field: number, name: string): Buffer {
    const buf = this.message.bytes;
    const slot = this.at(field, ZAP_SLOT_SIZE);
    const rel = buf.readInt32LE(slot);
    const length = buf.readUInt32LE(slot + 4);
    if (rel === 0) {
      if (length !== 0) throw new ZapMessageError(`${this.what}: ${name} slot is null but declares ${length} bytes`);
      return buf.subarray(0, 0);
    }
    const start = slot + rel;
    if (start < this.end && start + length > this.offset) {
      throw new ZapMessageError(`${this.what}: ${name} bytes overlap the object's fixed section`);
    }
    if (start < ZAP_HEADER_SIZE || start + length > buf.length) {
      throw new ZapMessageError(
        `${this.what}: ${name} (${length} bytes at offset ${start}) lies outside the message of ${buf.length} bytes`,
      );
    }
    return buf.subarray(start, start + length);
  }

  /** The slot's bytes decoded as UTF-8. */
  text(field: number, name: string): string {
    return this.bytes(field, name).toString('utf8');
  }

  private at(field: number, width: number): number {
    if (field < 0 || field + width > this.dataSize) {
      throw new RangeError(`${this.what}: field at offset ${field} (width ${width}) is outside the ${this.dataSize}-byte object`);
    }
    return this.offset + field;
  }
}

/**
 * Parse a message, check its type, and return a strict reader of its root
 * object, whose fixed section must be `dataSize` bytes.
 */
export function readZapRootObject(message: Buffer, expectedType: number, dataSize: number, what: string): ZapObjectReader {
  const parsed = parseZapMessage(message, what);
  if (parsed.type !== expectedType) {
    throw new ZapMessageError(`${what}: expected message type ${expectedType}, got ${parsed.type} (flags 0x${parsed.flags.toString(16)})`);
  }
  return new ZapObjectReader(parsed, parsed.rootOffset, dataSize, what);
}
