import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Plan } from '../../runtime/plan/plan.js';
import { HgwError } from '../errors.js';

/**
 * Lua `sources` are read at build time and their text put in the Plan next
 * to the block (`source_texts`), so the bundle never reads scripts from disk.
 * A relative path is looked up from the working directory first (where
 * KrakenD resolves it), then from the config file's folder.
 */
const NAMESPACES = ['modifier/lua-proxy', 'modifier/lua-backend', 'modifier/lua-endpoint'] as const;

export function withLuaSources(plan: Plan, baseDirs: readonly string[]): Plan {
  const embed = (extra: Record<string, unknown>): Record<string, unknown> => {
    let out = extra;
    for (const ns of NAMESPACES) {
      const block = extra[ns] as { sources?: unknown } | undefined;
      if (!block || !Array.isArray(block.sources) || block.sources.length === 0) continue;
      const texts: Record<string, string> = {};
      for (const file of block.sources) if (typeof file === 'string') texts[file] = readSource(file, baseDirs);
      out = { ...out, [ns]: { ...block, source_texts: texts } };
    }
    return out;
  };
  return {
    ...plan,
    service: { ...plan.service, extraConfig: embed(plan.service.extraConfig) },
    endpoints: plan.endpoints.map((ep) => ({
      ...ep,
      extraConfig: embed(ep.extraConfig),
      backends: ep.backends.map((b) => ({ ...b, extraConfig: embed(b.extraConfig) })),
    })),
  };
}

function readSource(file: string, baseDirs: readonly string[]): string {
  const candidates = isAbsolute(file) ? [file] : baseDirs.map((d) => join(d, file));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new HgwError('HGW_INPUT_UNREADABLE', `Lua source ${JSON.stringify(file)} not found (looked in ${candidates.join(', ')})`);
  return readFileSync(found, 'utf8');
}
