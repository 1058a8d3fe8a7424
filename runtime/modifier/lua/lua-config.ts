/**
 * A `modifier/lua-proxy` or `modifier/lua-backend` block. `hgw build` reads
 * the `sources` files and puts their text in the Plan (`source_texts`), so a
 * bundle never reads scripts from disk; `live` (re-read on every request)
 * therefore has no effect.
 */
export interface LuaConfig {
  sources: Array<{ file: string; text: string }>;
  pre: string;
  post: string;
  allowOpenLibs: boolean;
  skipNext: boolean;
}

export function luaConfig(value: unknown): LuaConfig {
  const v = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const texts = v.source_texts !== null && typeof v.source_texts === 'object' ? (v.source_texts as Record<string, unknown>) : {};
  const files = Array.isArray(v.sources) ? v.sources.filter((s): s is string => typeof s === 'string') : [];
  return {
    sources: files.map((file) => ({ file, text: typeof texts[file] === 'string' ? (texts[file] as string) : '' })),
    pre: typeof v.pre === 'string' ? v.pre : '',
    post: typeof v.post === 'string' ? v.post : '',
    allowOpenLibs: v.allow_open_libs === true,
    skipNext: v.skip_next === true,
  };
}
