import { settingsParser } from '../../plan/settings.js';

/**
 * A `modifier/lua-proxy`, `modifier/lua-backend` or `modifier/lua-endpoint`
 * block. `hgw build` reads the `sources` files and puts their text in the
 * Plan's settings, so a bundle never reads scripts from disk; `live`
 * (re-read on every request) therefore has no effect.
 */
export interface LuaConfig {
  sources: Array<{ file: string; text: string }>;
  pre: string;
  post: string;
  allowOpenLibs: boolean;
  skipNext: boolean;
}

/**
 * A block as krakend-lua reads it, parsed when the Plan is built; each
 * source's `text` is empty until `hgw build` reads the file
 * (cli/codegen/lua-sources.ts).
 */
export const luaSettings = /* @__PURE__ */ settingsParser<LuaConfig>((value) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  const files = Array.isArray(v.sources) ? v.sources.filter((s): s is string => typeof s === 'string') : [];
  return {
    sources: files.map((file) => ({ file, text: '' })),
    pre: typeof v.pre === 'string' ? v.pre : '',
    post: typeof v.post === 'string' ? v.post : '',
    allowOpenLibs: v.allow_open_libs === true,
    skipNext: v.skip_next === true,
  };
});
