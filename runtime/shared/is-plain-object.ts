/**
 * The one "is this a JSON object" guard: an object that is neither null nor an
 * array (what a config slice, a plugin's answer or a decoded body must be
 * before its keys are read).
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
