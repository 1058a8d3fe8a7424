import { describe, expect, it } from 'vitest';
import { EXPORTS, IMPLEMENTED, MODULES, type ConfigLevel } from '../../cli/plan/module-registry.js';
import { readSchema } from '../../cli/validate/schemas.js';

/**
 * The one registry of runtime modules (issue 17 point 1) against what it describes: every export it names
 * exists in the runtime with that name, every export is linked by some module, every namespace is one the
 * schema knows at that level, and module ids are unique.
 */
describe('the module registry', () => {
  it('names only exports the runtime really has', async () => {
    const missing: string[] = [];
    for (const [key, e] of Object.entries(EXPORTS)) {
      const mod = (await import(e.from.replace('@hgw/runtime/', '../../runtime/'))) as Record<string, unknown>;
      if (typeof mod[e.name] !== 'function' && typeof mod[e.name] !== 'object') missing.push(`${key}: ${e.from} has no export ${e.name}`);
    }
    expect(missing).toEqual([]);
  });

  it('links every export from some module, and lists each module once', () => {
    const linked = new Set(MODULES.flatMap((m) => m.links));
    expect(Object.entries(EXPORTS).filter(([, e]) => !linked.has(e)).map(([k]) => k)).toEqual([]);
    expect(IMPLEMENTED.size).toBe(MODULES.length);
  });

  it('turns modules on only by namespaces the schema knows at that level', () => {
    const defs = (readSchema('gateway') as { definitions: Record<string, { properties?: Record<string, unknown> }> }).definitions;
    const known: Record<ConfigLevel, Set<string>> = {
      service: new Set(Object.keys(defs.service_extra_config?.properties ?? {})),
      endpoint: new Set(Object.keys(defs.endpoint_extra_config?.properties ?? {})),
      backend: new Set(Object.keys(defs.backend_extra_config?.properties ?? {})),
    };
    const unknown = MODULES.flatMap((m) =>
      (Object.entries(m.namespaces ?? {}) as Array<[ConfigLevel, readonly string[]]>).flatMap(([level, list]) => list.filter((ns) => !known[level].has(ns)).map((ns) => `${m.id}: ${level} ${ns}`)),
    );
    expect(unknown).toEqual([]);
  });

  it('runs each settings parser on a namespace it turns on, purely: no throw on any JSON value, the same answer twice', () => {
    const parsers = MODULES.filter((m) => m.settings);
    expect(parsers.filter((m) => Object.values(m.namespaces ?? {}).flat().length === 0).map((m) => m.id)).toEqual([]);
    for (const m of parsers) {
      for (const raw of [undefined, null, true, 3, 'x', [], [{}], {}, { unexpected: { nested: [1] } }]) {
        const once = m.settings!(raw);
        expect(m.settings!(raw), `${m.id} ${JSON.stringify(raw)}`).toEqual(once);
        // The Plan is JSON: what a parser returns survives a round trip unchanged.
        if (once.settings !== undefined) expect(JSON.parse(JSON.stringify(once.settings)), m.id).toEqual(once.settings);
      }
    }
  });
});
