/**
 * `modifier/martian`: one modifier definition (an object with one key, the
 * modifier's name), kept as written. Parsed when the Plan is built; the stage
 * compiles it at start-up (martian-modifiers.ts), and `hgw check` reports one
 * that does not compile (lint rule martian).
 */
import { settingsParser } from '../../plan/settings.js';

export interface MartianSettings {
  modifier: Record<string, unknown>;
}

export const martianSettings = /* @__PURE__ */ settingsParser<MartianSettings>((raw) =>
  raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { modifier: raw as Record<string, unknown> } : undefined,
);
