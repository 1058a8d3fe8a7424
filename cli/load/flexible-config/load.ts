/**
 * The load stage under Flexible Configuration: render the template, parse
 * the rendered text as the config, and place every finding back in the
 * template files — a render error where the template went wrong, a JSON or
 * schema finding at the template text or action that wrote the offending
 * bytes.
 */
import type { Diagnostic, Range, RelatedLocation } from '../../diagnostics/diagnostic.js';
import { withRange } from '../../diagnostics/make.js';
import type { LoadResult } from '../document.js';
import { loadText } from '../load-file.js';
import { LineIndex } from '../positions.js';
import { TemplateError } from './errors.js';
import type { FlexibleConfigOptions } from './options.js';
import type { RenderOutput } from './output.js';
import { renderFlexibleConfig } from './render.js';

export interface FlexibleConfigLoad {
  /** The rendered config, parsed; its document is named after the template file. Failures are already placed. */
  loaded: LoadResult;
  /** Template files by path (main, sub-templates, partials, settings), for code frames. */
  texts: Map<string, string>;
  /** Moves findings on the rendered document to the template places that produced them; one finding per place (a partial included three times is reported once). */
  placeAll(ds: Diagnostic[]): Diagnostic[];
}

export function loadFlexibleConfig(file: string, options: FlexibleConfigOptions): FlexibleConfigLoad {
  const texts = new Map<string, string>();
  let output: RenderOutput;
  let rendered: string;
  try {
    const r = renderFlexibleConfig(file, options, texts);
    output = r.output;
    rendered = r.text;
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    const text = texts.get(e.file) ?? '';
    const at = new LineIndex(text).range(e.offset, Math.min(text.length, e.offset + 1));
    const rule = e.kind === 'input' && !texts.has(e.file) ? 'input-unreadable' : 'template-error';
    const d = withRange(e.file, rule, '', at, e.message, { hint: hintFor(e) });
    return { loaded: { ok: false, diagnostics: [d] }, texts, placeAll: (x) => x };
  }
  const indexes = new Map<string, LineIndex>();
  const lineIndex = (f: string) => {
    let idx = indexes.get(f);
    if (!idx) indexes.set(f, (idx = new LineIndex(texts.get(f) ?? '')));
    return idx;
  };
  const mapRange = (r: Range): { file: string; range: Range } | undefined => {
    const start = output.locate(r.start.offset);
    if (!start) return undefined;
    const end = output.locate(Math.max(r.start.offset, r.end.offset - 1));
    const endOffset = end && end.file === start.file && end.offset >= start.offset ? end.offset + 1 : start.offset + 1;
    const len = (texts.get(start.file) ?? '').length;
    return { file: start.file, range: lineIndex(start.file).range(Math.min(start.offset, len), Math.min(endOffset, len)) };
  };
  const place = (d: Diagnostic): Diagnostic => {
    if (d.file !== file) return d;
    const m = mapRange(d.range);
    if (!m) return d;
    const related = d.related?.map((rel): RelatedLocation => {
      if (rel.file !== file) return rel;
      const rm = mapRange(rel.range);
      return rm ? { ...rel, file: rm.file, range: rm.range } : rel;
    });
    return { ...d, file: m.file, range: m.range, ...(related ? { related } : {}) };
  };
  const placeAll = (ds: Diagnostic[]): Diagnostic[] => {
    const seen = new Set<string>();
    return ds.map(place).filter((d) => {
      const key = `${d.file}\0${d.range.start.offset}\0${d.ruleId}\0${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  const format = /\.ya?ml$/i.test(options.out ?? '') || /\.ya?ml(\.tmpl)?$/i.test(file) ? 'yaml' : 'json';
  const loaded = loadText(file, rendered, format);
  if (!loaded.ok) return { loaded: { ok: false, diagnostics: placeAll(loaded.diagnostics) }, texts, placeAll };
  return { loaded, texts, placeAll };
}

function hintFor(e: TemplateError): string {
  switch (e.kind) {
    case 'parse':
      return 'The file is rendered as a Go template (Flexible Configuration is on: FC_ENABLE or --fc-*); fix the template syntax here.';
    case 'exec':
      return 'Rendering the template failed here; check the data it reads (FC_SETTINGS) and the functions it calls.';
    case 'limit':
      return 'A template that loops or recurses without end hits this bound; check the range or template call here.';
    default:
      return 'Check the FC_SETTINGS, FC_PARTIALS and FC_TEMPLATES paths (or their --fc-* flags).';
  }
}
