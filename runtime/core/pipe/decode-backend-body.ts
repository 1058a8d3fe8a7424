import { gunzipSync } from 'node:zlib';
import { HELD_RESPONSE_LIMIT, ResponseTooLargeError } from '../buffered-call.js';
import type { BackendPlan } from '../../plan/plan.js';
import { decodeFirstJsonValue } from '../../shared/json/parse-json.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../../shared/json/json-number.js';
import type { Codecs } from './codecs.js';

/**
 * Backend `encoding` → Lura's Data (krakend-semantics §2.7): `json` needs an
 * object (an array only with is_collection), `safejson` wraps what is not an
 * object, `string` keeps the text, xml and friends come from codecs. Errors
 * carry Go's decoder wording because return_error_msg shows them.
 */
export type BodyDecoder = (body: Buffer, contentEncoding: string | undefined) => JsonObject;

export function bodyDecoder(backend: BackendPlan, codecs: Codecs): BodyDecoder {
  const collection = backend.isCollection;
  switch (backend.encoding) {
    case 'string':
      return (body, enc) => ({ content: text(body, enc) });
    case 'safejson':
      return (body, enc) => {
        const v = parse(text(body, enc));
        if (isJsonObject(v)) return v;
        return Array.isArray(v) ? { collection: v } : { content: v };
      };
    case 'no-op':
      return () => ({});
    case 'json':
    case 'fast-json':
    case 'yaml':
    case '':
      return json(collection);
    default: {
      const codec = codecs[backend.encoding];
      if (!codec?.decode) return json(collection);
      const decode = codec.decode;
      return (body, enc) => {
        const v = decode(text(body, enc));
        return collection ? { collection: v } : isJsonObject(v) ? v : { content: v };
      };
    }
  }
}

function json(collection: boolean): BodyDecoder {
  return (body, enc) => {
    const v = parse(text(body, enc));
    if (collection) {
      if (!Array.isArray(v)) throw new Error(`json: cannot unmarshal ${goKind(v)} into Go value of type []interface {}`);
      return { collection: v };
    }
    if (!isJsonObject(v)) throw new Error(`json: cannot unmarshal ${goKind(v)} into Go value of type map[string]interface {}`);
    return v;
  };
}

function parse(s: string): JsonValue {
  return decodeFirstJsonValue(s);
}

/**
 * A body still gzipped (the client's Accept-Encoding was forwarded) is
 * inflated first, as Lura's decoder does — to the held-response bound at most,
 * so a small gzip bomb fails the backend instead of filling the heap.
 */
function text(body: Buffer, contentEncoding: string | undefined): string {
  if (contentEncoding?.toLowerCase() !== 'gzip') return body.toString('utf8');
  let inflated: Buffer;
  try {
    inflated = gunzipSync(body, { maxOutputLength: HELD_RESPONSE_LIMIT });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new ResponseTooLargeError(HELD_RESPONSE_LIMIT);
    throw e;
  }
  return inflated.toString('utf8');
}

function goKind(v: JsonValue): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (isJsonObject(v)) return 'object';
  return 'number';
}
