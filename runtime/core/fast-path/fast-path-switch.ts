/**
 * `HGW_FAST_PATH`: `0` (or `false`, `off`) turns the raw-socket fast path off —
 * every request then goes through node:http, as the bench's "old path" peer
 * runs it. Unset or anything else: on.
 */
export function fastPathEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.HGW_FAST_PATH?.trim();
  if (value === undefined || value === '') return FAST_PATH_DEFAULT;
  return value !== '0' && value.toLowerCase() !== 'false' && value.toLowerCase() !== 'off';
}

const FAST_PATH_DEFAULT = true;
