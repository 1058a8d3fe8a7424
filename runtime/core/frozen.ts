/**
 * Deep-freezes the literals generated code passes to runtime factories, so no
 * module can change another's view of the config after start-up.
 */
export function frozen<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) frozen(v);
  }
  return value;
}
