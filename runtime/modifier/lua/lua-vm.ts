import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { LuaEventMasks, LuaFactory, LuaTimeoutError, type LuaEngine } from 'wasmoon';
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
  run(chunk: 'pre-script' | 'post-script', code: string, request?: object, response?: object, globals?: Record<string, object>): Error | undefined;
}

/** The WebAssembly file: next to the bundle (hgw build copies it there as lua.wasm), else wasmoon's own. */
function wasmPath(): string {
  const beside = fileURLToPath(new URL('./lua.wasm', import.meta.url));
  if (existsSync(beside)) return beside;
  return createRequire(import.meta.url).resolve('wasmoon/dist/glue.wasm');
}

let factory: LuaFactory | undefined;

/** How often (in Lua instructions) the watchdog looks at the clock. */
const WATCH_EVERY = 10_000;

/**
 * `limitMs` bounds one script run: JavaScript runs scripts on the event loop,
 * so an endless loop would stop every request, not only its own. An
 * instruction-count hook raises a Lua error once the run is past its
 * deadline, and then at every instruction, so `pcall` cannot swallow it
 * (installed once, reading a deadline each run sets; wasmoon's own timeout
 * keeps the first deadline for good). A single C library call (a
 * pathological `string.find` pattern) runs no Lua instructions and cannot be
 * interrupted; the README says so.
 */
export async function createLuaVm(config: LuaConfig, limitMs: number): Promise<LuaVm> {
  factory ??= new LuaFactory(wasmPath());
  const engine: LuaEngine = await factory.createEngine({ injectObjects: true, openStandardLibs: config.allowOpenLibs });
  const thread = engine.global;
  const watch = { deadline: Number.POSITIVE_INFINITY, timedOut: false };
  const hook: number = thread.lua.module.addFunction(() => {
    if (Date.now() > watch.deadline) {
      watch.timedOut = true;
      // From now on raise at every instruction: a pcall that swallowed the first error gets no further.
      thread.lua.lua_sethook(thread.address, hook, LuaEventMasks.Count, 1);
      thread.pushValue(new LuaTimeoutError(`the script ran longer than ${limitMs} ms`));
      thread.lua.lua_error(thread.address);
    }
  }, 'vii');
  const arm = (ms: number) => {
    watch.timedOut = false;
    watch.deadline = Date.now() + ms;
    thread.lua.lua_sethook(thread.address, hook, LuaEventMasks.Count, WATCH_EVERY);
  };
  const disarm = () => {
    watch.deadline = Number.POSITIVE_INFINITY;
  };
  // custom_error's status cannot cross the Lua error boundary; it waits here for the caller.
  const pending: { error?: { message: string; status: number } } = {};
  engine.global.set('custom_error', (message: unknown, status?: unknown) => {
    // Only a status HTTP can carry: anything else would make writeHead throw later, where nothing catches it.
    const code = typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 999 ? status : 500;
    pending.error = { message: String(message ?? ''), status: code };
    throw new Error(pending.error.message);
  });
  engine.global.set('luaTable', { new: () => new LuaTable({}) });
  engine.global.set('luaList', { new: () => new LuaList([]) });
  arm(Math.max(limitMs, 1000));
  try {
    for (const source of config.sources) engine.doStringSync(source.text);
    if (watch.timedOut) throw new Error(`loading the sources took longer than ${Math.max(limitMs, 1000)} ms`);
  } finally {
    disarm();
  }

  return {
    run(chunk, code, request, response, globals) {
      if (code === '') return undefined;
      pending.error = undefined;
      engine.global.set('request', { load: () => request });
      engine.global.set('response', { load: () => response });
      for (const [name, value] of Object.entries(globals ?? {})) engine.global.set(name, value);
      arm(limitMs);
      try {
        engine.doStringSync(code);
        // A script that caught the watchdog's error with pcall and then ended is still over time.
        return watch.timedOut ? new Error(`lua: ${chunk}: the script ran longer than ${limitMs} ms`) : undefined;
      } catch (e) {
        const custom = pending.error as { message: string; status: number } | undefined;
        if (custom) return new BackendError(custom.message, custom.status);
        return new Error(`lua: ${chunk}: ${(e as Error).message}`);
      } finally {
        disarm();
      }
    },
  };
}
