/**
 * Why this exists: krakend-xml decodes with `mxj.XmlCharsetReader =
 * charset.NewReaderLabel`, so a backend body declaring `<?xml ... encoding="X"?>`
 * is read in charset X (WHATWG labels, as TextDecoder knows them) from the end of
 * the declaration on. Without such a declaration, or with UTF-8, the bytes are UTF-8
 * and invalid UTF-8 is an error.
 *
 * Difference kept small on purpose: Go reports invalid UTF-8 only where it reads
 * text, attribute values or names; here any invalid byte is an error.
 */
import { procInstParam, XmlSyntaxError } from './go-xml-tokenizer.js';

const DECLARATION_START = '<?xml';

/** The text Go's decoder sees for a body given as bytes. */
export function xmlBytesToText(bytes: Uint8Array): string {
  const declaration = findDeclaration(bytes);
  const encoding = declaration === null ? '' : procInstParam('encoding', declaration.content);
  if (declaration === null || encoding === '' || encoding.toLowerCase() === 'utf-8') return utf8(bytes);
  let decoder: { decode(input: Uint8Array): string };
  try {
    decoder = new TextDecoder(encoding);
  } catch {
    throw new XmlSyntaxError(`xml: opening charset "${encoding}": unsupported charset: "${encoding}"`);
  }
  return utf8(bytes.subarray(0, declaration.end)) + decoder.decode(bytes.subarray(declaration.end));
}

/** The `<?xml ...?>` that starts the document (after a BOM or whitespace), if any. */
function findDeclaration(bytes: Uint8Array): { content: string; end: number } | null {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  const head = latin1(bytes.subarray(i, i + DECLARATION_START.length + 1));
  if (!head.startsWith(DECLARATION_START)) return null;
  // `<?xml-stylesheet` and the like are other processing instructions.
  const after = head.charCodeAt(DECLARATION_START.length);
  if (!(after === 0x20 || after === 0x09 || after === 0x0a || after === 0x0d || after === 0x3f)) return null;
  const start = i + DECLARATION_START.length;
  for (let j = start; j + 1 < bytes.length; j++) {
    if (bytes[j] === 0x3f && bytes[j + 1] === 0x3e) {
      return { content: latin1(bytes.subarray(start, j)), end: j + 2 };
    }
  }
  return null;
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new XmlSyntaxError('XML syntax error on line 1: invalid UTF-8');
  }
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
