/**
 * Go's `brandForHost` (hanzo-core.md §4.1): which brand a request's Host
 * belongs to, for the `Server` header of the production headers. Lower-cased
 * and trimmed, cut at the first `:` (the port), one trailing `.` dropped, then
 * the longest listed domain the host equals or ends in `.` + domain. Nothing
 * matching gives `''`; callers answer with the neutral `gateway`.
 */
const BRAND_DOMAINS: ReadonlyArray<readonly [domain: string, brand: string]> = [
  ['hanzo.ai', 'hanzo'],
  ['hanzo.cloud', 'hanzo'],
  ['hanzo.app', 'hanzo'],
  ['lux.network', 'lux'],
  ['lux.cloud', 'lux'],
  ['zoo.ngo', 'zoo'],
  ['zoo.network', 'zoo'],
  ['zoo.cloud', 'zoo'],
  ['pars.network', 'pars'],
  ['pars.ai', 'pars'],
  ['bootno.de', 'bootnode'],
];

/** `Server` when no brand domain matches: none of fasthttp, fiber, zip or the upstream project's name. */
export const NEUTRAL_SERVER_BRAND = 'gateway';

/** `.domain` for each entry, built once: the test runs on every request of the hanzo profile. */
const DOTTED = BRAND_DOMAINS.map(([domain]) => `.${domain}`);

export function brandForHost(host: string): string {
  let h = host.trim().toLowerCase();
  const colon = h.indexOf(':');
  if (colon !== -1) h = h.slice(0, colon);
  if (h.endsWith('.')) h = h.slice(0, -1);
  let best = '';
  let bestLength = 0;
  for (let i = 0; i < BRAND_DOMAINS.length; i++) {
    const [domain, brand] = BRAND_DOMAINS[i]!;
    if (domain.length > bestLength && (h === domain || h.endsWith(DOTTED[i]!))) {
      best = brand;
      bestLength = domain.length;
    }
  }
  return best;
}
