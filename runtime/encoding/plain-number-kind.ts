/**
 * Why this exists: KrakenD's renderers see two kinds of numbers that hgw's value
 * model cannot tell apart, and they print differently in XML and YAML (not in JSON).
 *
 * - `json-number`: a number decoded from a backend body. Lura decodes with
 *   `UseNumber`, so it is a Go `json.Number` and renders as its literal text
 *   (mxj: `42`; goccy/go-yaml treats it as a string: `"42"`).
 * - `float64`: a number that came from the config (static data, for example).
 *   mxj prints it with `%v` (`1e+06`), goccy with `FormatFloat('g')` plus `.0`
 *   (`42.0`).
 *
 * A plain JS number in Data is, by construction of parse-json, a backend literal
 * that survives a JS round trip (`String(n)` is its text), so `json-number` is the
 * default everywhere. `JsonNumber` is always a json.Number.
 */
export type PlainNumberKind = 'json-number' | 'float64';
