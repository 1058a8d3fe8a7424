import { compileGoRegexp } from '../../shared/go/go-regexp.js';
import { settingsParser } from '../../plan/settings.js';
import { VerdictCache } from './verdict-cache.js';

/**
 * krakend-botdetector's verdict on a User-Agent (the first `User-Agent`
 * line, `''` when absent):
 *
 * 1. empty → a bot only with `empty_user_agent_is_bot`;
 * 2. an exact `allow` entry → not a bot;
 * 3. an exact `deny` entry → a bot;
 * 4. any of `patterns` matching anywhere in it (unanchored, Go's RE2 syntax
 *    and linear-time matching: `shared/go/go-regexp`) → a bot;
 * 5. otherwise not a bot.
 *
 * With `cache_size` > 0 verdicts are kept in an LRU of that many agents.
 */
export interface BotDetectorConfig {
  allow: string[];
  deny: string[];
  patterns: string[];
  cacheSize: number;
  emptyUserAgentIsBot: boolean;
}

/**
 * The namespace's config, read as Go JSON-decodes the struct when the Plan is
 * built. A value Go cannot decode gives no settings: KrakenD then runs without
 * the detector, and `hgw check` reports the wrong type (schema-type).
 */
export const botDetectorSettings = /* @__PURE__ */ settingsParser<BotDetectorConfig>((raw) => {
  if (raw === null) return { allow: [], deny: [], patterns: [], cacheSize: 0, emptyUserAgentIsBot: false };
  if (typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const c = raw as Record<string, unknown>;
  const cacheSize = c.cache_size ?? 0;
  const empty = c.empty_user_agent_is_bot ?? false;
  const [allow, deny, patterns] = [list(c.allow), list(c.deny), list(c.patterns)];
  if (typeof cacheSize !== 'number' || !Number.isInteger(cacheSize) || typeof empty !== 'boolean' || !allow || !deny || !patterns) return undefined;
  return { allow, deny, patterns, cacheSize, emptyUserAgentIsBot: empty };
});

function list(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
}

export class BotDetectorConfigError extends Error {
  readonly code = 'HGW_BOT_DETECTOR_CONFIG';
}

export type IsBot = (userAgent: string) => boolean;

/** Builds the verdict function; throws on a pattern Go would not compile or a cache size it would not accept. */
export function createBotDetector(config: BotDetectorConfig): IsBot {
  const allow = new Set(config.allow);
  const deny = new Set(config.deny);
  const patterns = config.patterns.map((p) => compileGoRegexp(p));
  const emptyIsBot = config.emptyUserAgentIsBot;
  const detect: IsBot = (ua) => {
    if (ua === '') return emptyIsBot;
    if (allow.has(ua)) return false;
    if (deny.has(ua)) return true;
    for (const p of patterns) if (p.test(ua)) return true;
    return false;
  };
  if (config.cacheSize === 0) return detect;
  if (config.cacheSize < 0) throw new BotDetectorConfigError('must provide a positive size');
  const cache = new VerdictCache(config.cacheSize);
  return (ua) => {
    const cached = cache.get(ua);
    if (cached !== undefined) return cached;
    const verdict = detect(ua);
    cache.set(ua, verdict);
    return verdict;
  };
}
