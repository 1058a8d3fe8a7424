/**
 * The token bucket of token-bucket.ts as one Redis script, so gateways that
 * share a Redis share each bucket: reading, refilling and taking happen in a
 * single atomic step, timed by the Redis server's clock (TIME) rather than by
 * each gateway's. A bucket is a hash {tokens, at} whose TTL is the time it
 * needs to fill up, after which it is the same as no bucket and Redis drops it.
 */
import type { Redis } from 'ioredis';

/** KEYS[1] bucket; ARGV[1] tokens per ms; ARGV[2] capacity. Returns 0 (token taken) or the ms until a token. */
const TAKE_TOKEN_LUA = `
if redis.replicate_commands then redis.replicate_commands() end
local perMs = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(saved[1])
local at = tonumber(saved[2])
if tokens == nil or at == nil then
  tokens = capacity
elseif now > at then
  tokens = math.min(capacity, tokens + (now - at) * perMs)
end
if tokens < 1 - 1e-9 then
  return math.max(1, math.ceil((1 - tokens) / perMs))
end
tokens = math.max(0, tokens - 1)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((capacity - tokens) / perMs)))
return 0
`;

export interface TakeTokenCommand {
  /** EVALSHA of the script (EVAL the first time a server has not seen it). */
  hgwTakeToken(key: string, perMs: string, capacity: string): Promise<number>;
}

export function withTakeTokenCommand(redis: Redis): Redis & TakeTokenCommand {
  redis.defineCommand('hgwTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
  return redis as Redis & TakeTokenCommand;
}
