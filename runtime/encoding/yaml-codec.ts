import type { Codec } from '../core/pipe/codecs.js';
import { encodeYaml } from './encode-yaml.js';

/** `output_encoding: yaml`, written as goccy/go-yaml marshals a Go map. */
export const yamlCodec: Codec = {
  render: (data) => ({ body: encodeYaml(data), contentType: 'application/yaml; charset=utf-8' }),
};
