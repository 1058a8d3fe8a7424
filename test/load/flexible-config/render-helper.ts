/** Renders template text in memory through the real parser and executor, for the Go text/template corpus. */
import { TemplateError } from '../../../cli/load/flexible-config/errors.js';
import { LineIndex } from '../../../cli/load/positions.js';
import { executeTemplates } from '../../../cli/load/flexible-config/template-set.js';
import { parseGoJson } from '../../../cli/load/flexible-config/values.js';

export interface RenderExtras {
  templates?: Record<string, string>;
  partials?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  limit?: number;
}

/** `data` goes through JSON as a settings file does: its numbers are float64s. */
export function render(text: string, data: unknown = {}, extras: RenderExtras = {}): string {
  const others = Object.entries(extras.templates ?? {}).map(([name, t]) => ({ name, file: `templates/${name}`, text: t }));
  const output = executeTemplates({ name: 't.tmpl', file: 't.tmpl', text }, others, parseGoJson(JSON.stringify(data) ?? 'null'), {
    env: extras.env ?? {},
    partialFile: (name) => `partials/${name}`,
    readPartial(name) {
      const p = extras.partials?.[name];
      if (p === undefined) throw new Error(`open partials/${name}: no such file or directory`);
      return p;
    },
  }, extras.limit);
  return output.text();
}

/** The error a render raises, as `file:line:col: message` with the position in the file that raised it. */
export function renderError(text: string, data: unknown = {}, extras: RenderExtras = {}): string {
  try {
    render(text, data, extras);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const source = e.file === 't.tmpl' ? text : (extras.templates?.[e.file.replace('templates/', '')] ?? '');
    const p = new LineIndex(source).position(e.offset);
    return `${e.file}:${p.line}:${p.column}: ${e.message}`;
  }
  throw new Error('expected the render to fail');
}
