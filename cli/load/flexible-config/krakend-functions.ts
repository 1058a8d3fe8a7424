/**
 * The functions KrakenD's Flexible Configuration adds to Sprig's: `marshal`
 * (encoding/json of a value, as Go writes it; KrakenD drops Marshal's error
 * and writes nothing) and `include` (a partial file's bytes, inserted as they
 * are, never evaluated; KrakenD drops a read error and inserts nothing, hgw
 * reports it — a silently empty partial is a lost setting).
 */
import { fixed, type FuncMap } from './functions.js';
import { goJson } from './go-json.js';
import { strval } from './sprig-cast.js';

export const KRAKEND_FUNCTIONS: FuncMap = {
  marshal: fixed(1, ([v]) => {
    try {
      return goJson(v);
    } catch {
      return '';
    }
  }),
  include: fixed(1, ([name], ctx) => ctx.readPartial(strval(name))),
};
