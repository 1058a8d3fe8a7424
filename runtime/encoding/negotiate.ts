/**
 * Why this exists: `output_encoding: negotiate` picks the render with gin's
 * `Context.NegotiateFormat` over the offers application/json, text/plain,
 * application/xml and application/x-yaml. gin's matching is not RFC content
 * negotiation, and its quirks decide which body a client gets:
 *
 * - Only the first Accept header line is read (`Header.Get`). It is split on `,`;
 *   each entry is cut at its first `;` (unless that is its first character) and
 *   trimmed. q-values are ignored: entries are tried in the order written.
 * - An entry matches an offer when, comparing case-sensitively from the start, a
 *   `*` shows up on either side before the first difference, or the entry runs
 *   out first (it is a prefix of the offer). So any entry starting with `*`
 *   matches JSON, `text/` followed by `*` matches text/plain, and `application`
 *   alone matches JSON.
 * - No Accept, or only empty entries: the first offer, JSON. No match: JSON too
 *   (KrakenD's negotiated render falls back to JSON).
 *
 * text/plain and application/x-yaml render YAML, application/xml renders XML.
 */

export type NegotiatedFormat = 'json' | 'xml' | 'yaml';

const OFFERS: readonly (readonly [string, NegotiatedFormat])[] = [
  ['application/json', 'json'],
  ['text/plain', 'yaml'],
  ['application/xml', 'xml'],
  ['application/x-yaml', 'yaml'],
];

/** The render KrakenD's negotiate encoding picks for this Accept header value. */
export function negotiateFormat(accept: string | undefined): NegotiatedFormat {
  const accepted = parseAccept(accept ?? '');
  if (accepted.length === 0) return 'json';
  for (const entry of accepted) {
    for (const [offer, format] of OFFERS) {
      if (ginMatches(entry, offer)) return format;
    }
  }
  return 'json';
}

/** gin's `parseAccept`. */
function parseAccept(header: string): string[] {
  const out: string[] = [];
  for (let part of header.split(',')) {
    const semicolon = part.indexOf(';');
    if (semicolon > 0) part = part.slice(0, semicolon);
    part = goTrimSpace(part);
    if (part !== '') out.push(part);
  }
  return out;
}

/** gin's byte loop in `NegotiateFormat`. */
function ginMatches(accepted: string, offer: string): boolean {
  let i = 0;
  for (; i < accepted.length && i < offer.length; i++) {
    if (accepted[i] === '*' || offer[i] === '*') return true;
    if (accepted[i] !== offer[i]) break;
  }
  return i === accepted.length;
}

/** `strings.TrimSpace`: Unicode White_Space, which is not exactly JS's `trim()` set. */
const GO_SPACE = '\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && GO_SPACE.includes(s.charAt(start))) start++;
  while (end > start && GO_SPACE.includes(s.charAt(end - 1))) end--;
  return s.slice(start, end);
}
