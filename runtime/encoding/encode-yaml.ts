/**
 * Why this exists: KrakenD's `yaml` output (and `negotiate` for text/plain) is gin's
 * `c.YAML(Data)`, i.e. goccy/go-yaml's `Marshal` with default options. goccy builds
 * an AST and prints it; its layout has quirks a general YAML library would not
 * copy, so this builds the same nodes and prints them the same way:
 *
 * - Map keys sorted (Go byte order), 2-space indentation, block style, a trailing
 *   newline; an empty map is `{}`, an empty list `[]`, null is `null`.
 * - Lists are not indented under their key (`key:\n- a\n- b`); a map inside a list
 *   starts on the dash line (`- a: 1\n  b: 2`) and a map nested in such a map is
 *   indented four spaces past the dash.
 * - Strings (and keys) are plain unless yaml-needs-quotes.ts says otherwise, then
 *   `strconv.Quote`d. A plain string with line breaks is a literal block (`|-`,
 *   `|` or `|+` after its trailing newlines), indented two past its key.
 * - A `JsonNumber`, and by default a plain JS number, is a Go json.Number: goccy
 *   sees a string and quotes it (`"42"`). A float64 (`plainNumbers: 'float64'`) is
 *   `FormatFloat('g')` with `.0` added to integers (`42.0`, `1e+06`).
 */
import { isJsonObject, JsonNumber, type JsonValue } from '../shared/json/json-number.js';
import { sortByUtf8 } from '../shared/json/utf8-order.js';
import { formatGoFloat } from './go-float-format.js';
import { goQuote } from './go-quote.js';
import type { PlainNumberKind } from './plain-number-kind.js';
import { wellFormed } from './well-formed-string.js';
import { yamlNeedsQuotes } from './yaml-needs-quotes.js';

export interface EncodeYamlOptions {
  /** How a plain JS number is written; `json-number` unless the data came from config. */
  plainNumbers?: PlainNumberKind;
}

/** goccy's indent (DefaultIndentSpaces). */
const INDENT = 2;

/** goccy AST nodes, with the column each token ends up at after the encoder's AddColumn calls. */
type YamlNode =
  | { kind: 'scalar'; text: string }
  | { kind: 'string'; text: string; column: number }
  | { kind: 'map'; entries: { key: YamlNode & { kind: 'string' }; value: YamlNode }[] }
  | { kind: 'list'; column: number; items: YamlNode[] };

/** goccy/go-yaml `Marshal(data)` as gin's YAML render calls it. */
export function encodeYaml(data: JsonValue, options: EncodeYamlOptions = {}): string {
  const plainNumbers = options.plainNumbers ?? 'json-number';
  return printNode(buildNode(data, 0, plainNumbers)) + '\n';
}

/**
 * goccy's `encodeValue`. Every node starts at column 1; `shift` is what the
 * `AddColumn(2)` calls made for maps that are map values add to it later.
 */
function buildNode(value: JsonValue, shift: number, plainNumbers: PlainNumberKind): YamlNode {
  const column = 1 + shift;
  if (value === null) return { kind: 'scalar', text: 'null' };
  if (typeof value === 'boolean') return { kind: 'scalar', text: value ? 'true' : 'false' };
  if (typeof value === 'string') return stringNode(value, column);
  if (value instanceof JsonNumber) return stringNode(value.text, column);
  if (typeof value === 'number') {
    return plainNumbers === 'float64' ? { kind: 'scalar', text: float64Text(value) } : stringNode(String(value), column);
  }
  if (Array.isArray(value)) {
    // Members are not shifted by the list, only by the maps around it.
    return { kind: 'list', column, items: value.map((item) => buildNode(item, shift, plainNumbers)) };
  }
  const entries = sortByUtf8(Object.keys(value)).map((key) => {
    const member = value[key] ?? null;
    const memberShift = isJsonObject(member) ? shift + INDENT : shift;
    return { key: stringNode(key, column), value: buildNode(member, memberShift, plainNumbers) };
  });
  return { kind: 'map', entries };
}

/** goccy's `encodeString`: the token text is the quoted form when quotes are needed. */
function stringNode(s: string, column: number): YamlNode & { kind: 'string' } {
  const text = wellFormed(s);
  return { kind: 'string', text: yamlNeedsQuotes(text) ? goQuote(text) : text, column };
}

/** goccy's `encodeFloat`. */
function float64Text(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  const text = formatGoFloat(n);
  return text.includes('.') || text.includes('e') ? text : `${text}.0`;
}

function printNode(node: YamlNode): string {
  switch (node.kind) {
    case 'scalar':
      return node.text;
    case 'string':
      return printString(node);
    case 'map':
      return node.entries.length === 0 ? '{}' : node.entries.map((e) => printEntry(e.key, e.value)).join('\n');
    case 'list':
      return node.items.length === 0 ? '[]' : printList(node);
  }
}

/** `MappingValueNode.String()` for the node kinds the encoder makes. */
function printEntry(key: YamlNode & { kind: 'string' }, value: YamlNode): string {
  const head = ' '.repeat(key.column - 1) + printString(key);
  if (value.kind === 'scalar' || value.kind === 'string') {
    const text = printNode(value);
    return text === '' ? `${head}:` : `${head}: ${text}`;
  }
  const empty = value.kind === 'map' ? value.entries.length === 0 : value.items.length === 0;
  return empty ? `${head}: ${printNode(value)}` : `${head}:\n${printNode(value)}`;
}

/** `SequenceNode.blockStyleString()`: `- ` before each member, later lines realigned. */
function printList(list: YamlNode & { kind: 'list' }): string {
  const space = ' '.repeat(list.column - 1);
  return list.items
    .map((item) => {
      let text = printNode(item);
      let newLinePrefix = '';
      if (text.startsWith('\n')) {
        text = text.slice(1);
        newLinePrefix = '\n';
      }
      const lines = text.split('\n');
      const firstLine = lines[0] ?? '';
      const first = firstLine.replace(/^ +/, '');
      const offset = firstLine.length - first.length;
      if (lines.length > 1 && item.kind === 'string') {
        // A literal block already carries its indentation: take it off first.
        const prefix = space + '  ';
        for (let i = 1; i < lines.length; i++) {
          const line = lines[i] ?? '';
          if (line.startsWith(prefix)) lines[i] = line.slice(prefix.length);
        }
      }
      const rest = lines.slice(1).map((line) => (line.length <= offset ? '' : `${space}  ${line.slice(offset)}`));
      return `${newLinePrefix}${space}- ${[first, ...rest].join('\n')}`;
    })
    .join('\n');
}

/** `StringNode.String()`: the token text, or a literal block when it holds line breaks. */
function printString(node: YamlNode & { kind: 'string' }): string {
  const value = node.text;
  const lineBreak = detectLineBreak(value);
  if (value.includes(lineBreak)) {
    const space = ' '.repeat(node.column - 1);
    const indent = ' '.repeat(INDENT);
    const lines = value.split(lineBreak).map((line) => space + indent + line);
    const block = trimSuffix(trimSuffix(lines.join(lineBreak), lineBreak + indent + space), indent + space);
    return literalBlockHeader(value, lineBreak) + lineBreak + block;
  }
  if (value.startsWith('{') || value.startsWith('[')) return `'${value}'`;
  return value;
}

/** `token.DetectLineBreakCharacter`: `\r\n` wins a tie (including no break at all). */
function detectLineBreak(value: string): string {
  const lf = count(value, '\n');
  const cr = count(value, '\r');
  const crlf = count(value, '\r\n');
  if (lf === crlf && cr === crlf) return '\r\n';
  return cr > lf ? '\r' : '\n';
}

/** `token.LiteralBlockHeader`: keep (`|+`), clip (`|`) or strip (`|-`) the final breaks. */
function literalBlockHeader(value: string, lineBreak: string): string {
  if (value.endsWith(lineBreak + lineBreak)) return '|+';
  if (value.endsWith(lineBreak)) return '|';
  return '|-';
}

function count(s: string, part: string): number {
  return s.split(part).length - 1;
}

function trimSuffix(s: string, suffix: string): string {
  return suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
}
