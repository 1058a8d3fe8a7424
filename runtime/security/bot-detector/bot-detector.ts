import { compileGoRegexp } from '../../shared/go/go-regexp.js';
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

export const BOT_DETECTOR_NAMESPACE = 'security/bot-detector';

export class BotDetectorConfigError extends Error {
  readonly code = 'HGW_BOT_DETECTOR_CONFIG';
}

/**
 * The namespace's config; `undefined` when absent. Wrong types throw, as
 * Go's JSON decoding of the struct fails (KrakenD then logs a warning and
 * runs without the detector).
 */
export function readBotDetectorConfig(extraConfig: Record<string, unknown>): BotDetectorConfig | undefined {
  if (!(BOT_DETECTOR_NAMESPACE in extraConfig)) return undefined;
  const raw = extraConfig[BOT_DETECTOR_NAMESPACE];
  if (raw === null) return { allow: [], deny: [], patterns: [], cacheSize: 0, emptyUserAgentIsBot: false };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new BotDetectorConfigError('json: cannot unmarshal into Go value of type botdetector.Config');
  const c = raw as Record<string, unknown>;
  const cacheSize = c.cache_size ?? 0;
  if (typeof cacheSize !== 'number' || !Number.isInteger(cacheSize)) throw new BotDetectorConfigError('json: cannot unmarshal cache_size into Go struct field Config.cache_size of type int');
  const empty = c.empty_user_agent_is_bot ?? false;
  if (typeof empty !== 'boolean') throw new BotDetectorConfigError('json: cannot unmarshal empty_user_agent_is_bot into Go struct field Config.empty_user_agent_is_bot of type bool');
  return { allow: list(c, 'allow'), deny: list(c, 'deny'), patterns: list(c, 'patterns'), cacheSize, emptyUserAgentIsBot: empty };
}

function list(c: Record<string, unknown>, key: string): string[] {
  const v = c[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
    throw new BotDetectorConfigError(`json: cannot unmarshal ${key} into Go struct field Config.${key} of type []string`);
  }
  return v as string[];
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
