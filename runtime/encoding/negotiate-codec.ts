import type { Codec } from '../core/pipe/codecs.js';
import { encodeJson } from '../shared/json/encode-json.js';
import { negotiateFormat } from './negotiate.js';
import { xmlCodec } from './xml-codec.js';
import { yamlCodec } from './yaml-codec.js';

/** `output_encoding: negotiate`: gin's NegotiateFormat over json, text/plain (YAML), xml and x-yaml. */
export const negotiateCodec: Codec = {
  render: (data, accept) => {
    const format = negotiateFormat(accept);
    if (format === 'xml') return xmlCodec.render!(data);
    if (format === 'yaml') return yamlCodec.render!(data);
    return { body: encodeJson(data), contentType: 'application/json; charset=utf-8' };
  },
};
