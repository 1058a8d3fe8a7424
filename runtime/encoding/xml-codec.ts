import type { Codec } from '../core/pipe/codecs.js';
import { decodeXml } from './decode-xml.js';
import { encodeXml } from './encode-xml.js';

/** KrakenD CE's krakend-xml: `encoding: xml` backends and `output_encoding: xml` endpoints. */
export const xmlCodec: Codec = {
  decode: (body) => decodeXml(body),
  render: (data) => ({ body: encodeXml(data), contentType: 'application/xml' }),
};
