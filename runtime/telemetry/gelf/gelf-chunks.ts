/**
 * GELF over UDP: a message that fits one datagram (8192 bytes) goes whole;
 * a longer one is chunked as the GELF spec says — each datagram the magic
 * bytes 0x1e 0x0f, an 8-byte message id, the chunk's sequence number and the
 * chunk count (one byte each), then the piece. Graylog drops a message of more
 * than 128 chunks, so one that would need more is not sent at all (undefined).
 */
export const GELF_DATAGRAM_BYTES = 8192;
export const GELF_MAX_CHUNKS = 128;
const HEADER_BYTES = 12;
const PIECE_BYTES = GELF_DATAGRAM_BYTES - HEADER_BYTES;

/**
 * `messageId`: 8 bytes naming the message, the same in each of its chunks;
 * asked for only when the message is chunked (a random id costs about as much
 * as building the message, and most lines fit one datagram).
 */
export function gelfDatagrams(payload: Buffer, messageId: () => Buffer): Buffer[] | undefined {
  if (payload.length <= GELF_DATAGRAM_BYTES) return [payload];
  const count = Math.ceil(payload.length / PIECE_BYTES);
  if (count > GELF_MAX_CHUNKS) return undefined;
  const id = messageId();
  const out: Buffer[] = [];
  for (let seq = 0; seq < count; seq++) {
    const piece = payload.subarray(seq * PIECE_BYTES, (seq + 1) * PIECE_BYTES);
    const datagram = Buffer.allocUnsafe(HEADER_BYTES + piece.length);
    datagram[0] = 0x1e;
    datagram[1] = 0x0f;
    id.copy(datagram, 2, 0, 8);
    datagram[10] = seq;
    datagram[11] = count;
    piece.copy(datagram, HEADER_BYTES);
    out.push(datagram);
  }
  return out;
}
