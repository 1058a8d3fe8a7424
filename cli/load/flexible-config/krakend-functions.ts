/**
 * The functions KrakenD's Flexible Configuration adds to Sprig's: `marshal`
 * (encoding/json of a value, as Go writes it) and `include` (a partial file's
 * bytes, inserted as they are, never evaluated).
 */
import { FuncError } from './errors.js';
import { fixed, type FuncMap } from './functions.js';
import { goJson } from './go-json.js';
import { strval } from './sprig-cast.js';

export const KRAKEND_FUNCTIONS: FuncMap = {
  marshal: fixed(1, ([v]) => {
    try {
      return goJson(v);
    } catch (e) {
      throw new FuncError((e as Error).message);
    }
  }),
  include: fixed(1, ([name], ctx) => ctx.readPartial(strval(name))),
};
