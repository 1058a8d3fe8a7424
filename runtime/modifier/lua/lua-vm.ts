import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { LuaFactory, type LuaEngine } from 'wasmoon';
import { BackendError } from '../../core/pipe/backend-error.js';
import { LuaList, LuaTable } from './lua-values.js';
import type { LuaConfig } from './lua-config.js';

/**
 * One Lua 5.4 VM (wasmoon: the reference interpreter compiled to
 * WebAssembly) per configured script block, created at start-up with the
 * block's sources loaded and krakend-lua's helpers registered:
 * `custom_error(msg[, status])`, `luaTable.new()`, `luaList.new()`. The
 * standard libraries are opened only with `allow_open_libs`, as in KrakenD.
 * Scripts run synchronously; KrakenD builds a fresh VM per request, here
 * globals a script sets persist between requests (see the README).
 */
export interface LuaVm {
  /** Runs `code` with `request` / `response` set; an Error for a failed script (custom_error keeps its status). */
  run(chunk: 'pre-script' | 'post-script', code: string, request?: object, response?: object): Error | undefined;
}

/** The WebAssembly file: next to the bundle (hgw build copies it there as lua.wasm), else wasmoon's own. */
function wasmPath(): string {
  const beside = fileURLToPath(new URL('./lua.wasm', import.meta.url));
  if (existsSync(beside)) return beside;
  return createRequire(import.meta.url).resolve('wasmoon/dist/glue.wasm');
}

let factory: LuaFactory | undefined;

export async function createLuaVm(config: LuaConfig): Promise<LuaVm> {
  factory ??= new LuaFactory(wasmPath());
  const engine: LuaEngine = await factory.createEngine({ injectObjects: true, openStandardLibs: config.allowOpenLibs });
  // custom_error's status cannot cross the Lua error boundary; it waits here for the caller.
  const pending: { error?: { message: string; status: number } } = {};
  engine.global.set('custom_error', (message: unknown, status?: unknown) => {
    pending.error = { message: String(message ?? ''), status: typeof status === 'number' ? Math.trunc(status) : 500 };
    throw new Error(pending.error.message);
  });
  engine.global.set('luaTable', { new: () => new LuaTable({}) });
  engine.global.set('luaList', { new: () => new LuaList([]) });
  for (const source of config.sources) engine.doStringSync(source.text);

  return {
    run(chunk, code, request, response) {
      if (code === '') return undefined;
      pending.error = undefined;
      engine.global.set('request', { load: () => request });
      engine.global.set('response', { load: () => response });
      try {
        engine.doStringSync(code);
        return undefined;
      } catch (e) {
        const custom = pending.error as { message: string; status: number } | undefined;
        if (custom) return new BackendError(custom.message, custom.status);
        return new Error(`lua: ${chunk}: ${(e as Error).message}`);
      }
    },
  };
}
