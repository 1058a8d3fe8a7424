/**
 * HTTP strings on the ZAP wire are byte strings (Go `string`). Node's HTTP
 * layer maps raw header and request-line bytes to JS strings one byte per
 * character (latin1), so that mapping is what keeps a request's bytes
 * unchanged when it crosses the wire. A character above U+00FF has no byte and
 * is refused (Node's http refuses it in a header too) rather than mangled.
 */
export function latin1Bytes(value: string, what: string): Buffer {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0xff) {
      throw new TypeError(`${what} contains the character U+${value.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}, which is not a byte (encode it first)`);
    }
  }
  return Buffer.from(value, 'latin1');
}

export function latin1Text(bytes: Buffer): string {
  return bytes.toString('latin1');
}
