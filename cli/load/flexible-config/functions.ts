/**
 * How a template function is declared: its arity (Go checks it on every call:
 * `wrong number of args for add: want 2 got 1`) and its body. A body throws
 * FuncError for `error calling NAME: …`.
 */
export interface FuncContext {
  /** Environment for `env` / `expandenv`. */
  env: NodeJS.ProcessEnv;
  /** Reads a partial for `include` (KrakenD's FC_PARTIALS). */
  readPartial(name: string): string;
}

export interface FuncDef {
  min: number;
  /** Undefined: variadic. */
  max?: number;
  fn: (args: unknown[], ctx: FuncContext) => unknown;
  /** Positions of parameters Go declares `int`: anything else there is a type error, as in Go. */
  ints?: number[];
}

export type FuncMap = Record<string, FuncDef>;

/** Declares a function of exactly `n` arguments. */
export const fixed = (n: number, fn: FuncDef['fn']): FuncDef => ({ min: n, max: n, fn });
/** Marks the parameters at `positions` as Go `int`s. */
export const ints = (def: FuncDef, ...positions: number[]): FuncDef => ({ ...def, ints: positions });
/** Declares a function of at least `n` arguments. */
export const variadic = (n: number, fn: FuncDef['fn']): FuncDef => ({ min: n, fn });
