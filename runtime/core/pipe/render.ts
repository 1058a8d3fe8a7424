import type { IncomingMessage } from 'node:http';
import type { EndpointPlan } from '../../plan/plan.js';
import { encodeJson } from '../../shared/json/encode-json.js';
import type { JsonObject } from '../../shared/json/json-number.js';
import type { Codecs } from './codecs.js';

/**
 * Endpoint `output_encoding` → body and Content-Type (krakend-semantics
 * §2.13). `json` writes Go's encoding/json bytes; `xml`, `yaml` and
 * `negotiate` come from codecs; an unknown value renders what the single
 * backend's encoding names, else JSON — as KrakenD CE does.
 */
export type Render = (req: IncomingMessage, data: JsonObject | null) => { body: string; contentType: string };

export const JSON_TYPE = 'application/json; charset=utf-8';

const BUILT_IN: Record<string, Render> = {
  json: (_req, data) => ({ body: data === null ? '{}' : encodeJson(data), contentType: JSON_TYPE }),
  'json-collection': (_req, data) => ({ body: data && Array.isArray(data.collection) ? encodeJson(data.collection) : '[]', contentType: JSON_TYPE }),
  string: (_req, data) => ({ body: typeof data?.content === 'string' ? data.content : '', contentType: 'text/plain; charset=utf-8' }),
};

/** Whether `render` is plain `json`, which writes exactly a CanonicalResponse's text. */
export function rendersPlainJson(render: Render): boolean {
  return render === BUILT_IN.json;
}

export function compileRender(endpoint: EndpointPlan, codecs: Codecs): Render {
  const pick = (name: string): Render | undefined => {
    const builtIn = BUILT_IN[name];
    if (builtIn) return builtIn;
    const codec = codecs[name];
    if (!codec?.render) return undefined;
    const render = codec.render;
    return (req, data) => render(data ?? {}, req.headers.accept);
  };
  const own = pick(endpoint.outputEncoding);
  if (own) return own;
  const only = endpoint.backends.length === 1 ? endpoint.backends[0]!.encoding : undefined;
  return (only !== undefined && only !== 'json' ? pick(only) : undefined) ?? BUILT_IN.json!;
}
