/**
 * Every function a Flexible Configuration template can call: text/template's
 * builtins, then Sprig's generic functions, then KrakenD's — later sets win,
 * as Go's Funcs() makes them win.
 */
import { BUILTINS } from './builtins.js';
import type { FuncMap } from './functions.js';
import { KRAKEND_FUNCTIONS } from './krakend-functions.js';
import { SPRIG_COLLECTIONS } from './sprig-collections.js';
import { SPRIG_ENCODING } from './sprig-encoding.js';
import { SPRIG_MATH } from './sprig-math.js';
import { SPRIG_STRINGS } from './sprig-strings.js';
import { SPRIG_VALUES } from './sprig-values.js';

export const FC_FUNCTIONS: FuncMap = {
  ...BUILTINS,
  ...SPRIG_STRINGS,
  ...SPRIG_COLLECTIONS,
  ...SPRIG_VALUES,
  ...SPRIG_MATH,
  ...SPRIG_ENCODING,
  ...KRAKEND_FUNCTIONS,
};
