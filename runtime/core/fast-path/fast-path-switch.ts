/**
 * `HGW_FAST_PATH`: `0` turns the raw-socket fast path off (every request goes
 * through node:http, as the bench's "old path" peer runs it), `1` turns it on.
 * Unset: off for now, until the whole suite is known to pass with it on.
 */
export function fastPathEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.HGW_FAST_PATH?.trim();
  if (value === undefined || value === '') return FAST_PATH_DEFAULT;
  return value !== '0' && value.toLowerCase() !== 'false' && value.toLowerCase() !== 'off';
}

const FAST_PATH_DEFAULT = false;
