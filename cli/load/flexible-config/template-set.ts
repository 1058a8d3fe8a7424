/**
 * A set of templates rendered together, from text in memory: the main one,
 * the sub-templates callable by name, the functions, the data. The file-based
 * Flexible Configuration render and the tests both go through here.
 */
import type { Template } from './ast.js';
import { TemplateError } from './errors.js';
import { Executor } from './executor.js';
import { FC_FUNCTIONS } from './funcmap.js';
import type { FuncContext } from './functions.js';
import { RenderOutput } from './output.js';
import { parseTemplates } from './parser.js';

export interface TemplateSource {
  /** Name `template` calls it by (a file's base name). */
  name: string;
  /** Path reported in errors and the source map. */
  file: string;
  text: string;
}

export interface RenderContext extends FuncContext {
  /** Path of a partial, for the source map of `{{ include "x" }}`. */
  partialFile(name: string): string;
}

/** Parses every source (main first: later definitions may override its blocks), then executes the main one. */
export function executeTemplates(main: TemplateSource, others: TemplateSource[], data: unknown, ctx: RenderContext, limit?: number): RenderOutput {
  const hasFunction = (name: string) => Object.hasOwn(FC_FUNCTIONS, name);
  const templates = new Map<string, Template>();
  for (const src of [main, ...others]) {
    for (const t of parseTemplates(src.name, src.file, src.text, hasFunction)) {
      // A later definition replaces an earlier one unless it is empty (Go's rule, which lets `block` defaults be overridden).
      if (t.root.nodes.length > 0 || !templates.has(t.name)) templates.set(t.name, t);
    }
  }
  const output = new RenderOutput(limit);
  try {
    new Executor(templates, FC_FUNCTIONS, ctx, output).execute(main.name, data);
  } catch (e) {
    // Recursion the bounds let through (a cyclic dict printed, deep nesting inside deep template calls) ends the render, not hgw.
    if (e instanceof RangeError) throw new TemplateError(main.file, 0, `rendering ran out of stack: ${e.message}`, 'limit');
    throw e;
  }
  return output;
}
