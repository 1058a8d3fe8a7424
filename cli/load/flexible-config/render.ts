/**
 * KrakenD's Flexible Configuration render: the config file is a Go template
 * named after its base name; every `*.json` in FC_SETTINGS becomes
 * `.<name>` data; every `*.tmpl` in FC_TEMPLATES is a template callable by
 * its base name; `include` reads FC_PARTIALS files verbatim. The rendered
 * text comes back with the map of where each piece came from, and is written
 * to FC_OUT when asked.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FuncError, TemplateError } from './errors.js';
import type { FlexibleConfigOptions } from './options.js';
import { MAX_OUTPUT, type RenderOutput } from './output.js';
import { executeTemplates, type TemplateSource } from './template-set.js';
import { isMap, parseGoJson, typeName } from './values.js';
import { loadJson } from '../json.js';

export interface RenderedConfig {
  text: string;
  output: RenderOutput;
  /** Every file that took part (template, sub-templates, partials read), by path, for code frames. */
  sources: Map<string, string>;
}

/** Renders `file`; throws TemplateError (with the file and offset at fault) when it cannot. */
export function renderFlexibleConfig(file: string, options: FlexibleConfigOptions, sources = new Map<string, string>()): RenderedConfig {
  const main: TemplateSource = { name: basename(file), file, text: readText(file, sources) };
  const subs: TemplateSource[] = options.templates
    ? listDir(options.templates, file)
        // The base template may sit in the templates folder too; it is parsed once, under the path given.
        .filter((n) => n.endsWith('.tmpl') && resolve(options.templates!, n) !== resolve(file))
        .map((name) => {
          const path = join(options.templates!, name);
          return { name, file: path, text: readText(path, sources) };
        })
    : [];
  const data: Record<string, unknown> = {};
  if (options.settings) {
    for (const name of listDir(options.settings, file).filter((n) => n.endsWith('.json'))) {
      const path = join(options.settings, name);
      data[name.slice(0, -'.json'.length)] = readSettings(path, readText(path, sources));
    }
  }
  const partialFile = (name: string) => join(options.partials ?? '', name);
  const output = executeTemplates(main, subs, data, {
    env: options.env,
    partialFile,
    readPartial(name: string): string {
      const path = partialFile(name);
      try {
        if (statSync(path).size > MAX_OUTPUT) throw new FuncError(`${path} is larger than the rendered-output bound`);
        const text = readFileSync(path, 'utf8');
        sources.set(path, text);
        return text;
      } catch (e) {
        if (e instanceof FuncError) throw e;
        throw new FuncError(`open ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
      }
    },
  });
  const text = output.text();
  if (options.out) {
    try {
      writeFileSync(options.out, text);
    } catch (e) {
      throw new TemplateError(file, 0, `cannot write FC_OUT ${options.out}: ${(e as Error).message}`, 'input');
    }
  }
  return { text, output, sources };
}

function readText(path: string, sources: Map<string, string>): string {
  try {
    const st = statSync(path);
    if (st.size > MAX_OUTPUT) throw new TemplateError(path, 0, `${path} is larger than ${MAX_OUTPUT} bytes`, 'input');
    const text = readFileSync(path, 'utf8');
    sources.set(path, text);
    return text;
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new TemplateError(path, 0, code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(e as Error).message}`, 'input');
  }
}

function listDir(dir: string, forFile: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    throw new TemplateError(forFile, 0, `cannot read the folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'input');
  }
}

/** A settings file is JSON (duplicate keys keep the last, as Go's Unmarshal does); a syntax error points into it. */
function readSettings(path: string, text: string): unknown {
  try {
    const value = parseGoJson(text);
    // KrakenD unmarshals each settings file into a map[string]interface{}.
    if (!isMap(value)) throw new TemplateError(path, 0, `settings file: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeName(value)} into Go value of type map[string]interface {}`, 'input');
    return value;
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    const loaded = loadJson(path, text);
    const d = loaded.ok ? undefined : loaded.diagnostics[0];
    throw new TemplateError(path, d?.range.start.offset ?? 0, `settings file: ${d?.message ?? 'not valid JSON'}`, 'input');
  }
}
