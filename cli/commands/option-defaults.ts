/**
 * What the CLI's option definitions need before any command has loaded: the
 * default brand and the collector of repeatable options. Kept apart from the
 * commands so declaring the options loads nothing heavy.
 */

/** The brand in X-Powered-By and the backend User-Agent unless --brand says otherwise. */
export const DEFAULT_BRAND = 'hanzoai/gateway';

/** Repeatable commander option collector. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
