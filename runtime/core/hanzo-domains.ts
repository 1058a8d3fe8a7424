/**
 * Every Hanzo / Lux / Zoo / Pars property domain (plus localhost for local
 * development). The Go gateway uses the same list for its credentialed CORS
 * allowlist and for the widget gate's default origins.
 */
export const HANZO_PROPERTY_DOMAINS: readonly string[] = Object.freeze([
  'hanzo.ai',
  'hanzo.app',
  'hanzo.chat',
  'hanzo.bot',
  'hanzo.id',
  'lux.network',
  'lux.financial',
  'lux.finance',
  'lux.market',
  'lux.industries',
  'lux.exchange',
  'lux.blog',
  'lux.chat',
  'lux.id',
  'zoo.ngo',
  'zoo.network',
  'zoo.id',
  'pars.network',
  'pars.id',
  'karma.style',
  'localhost',
]);
