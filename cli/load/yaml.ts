import { createRequire } from 'node:module';
import type { Node as YamlNode } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { withRange } from '../diagnostics/make.js';
import type { LoadResult } from './document.js';
import { joinPointer } from './json-pointer.js';
import { LineIndex } from './positions.js';
import { SourceMap } from './source-map.js';

/**
 * The yaml package, loaded on the first YAML file: most configs are JSON, and
 * loading it costs `hgw check` a noticeable part of its start-up.
 */
let yamlModule: typeof import('yaml') | undefined;
function yaml(): typeof import('yaml') {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}

/**
 * Parses YAML (KrakenD accepts .yml/.yaml configs; routes.yaml is YAML) into a
 * plain JSON-like value with positions. Only the JSON data model is kept:
 * anchors resolve, tags other than the core schema are not special.
 */
export function loadYaml(file: string, text: string): LoadResult {
  const idx = new LineIndex(text);
  const doc = yaml().parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  const diagnostics: Diagnostic[] = [];
  // One syntax error is one mistake: the parser's follow-on errors are noise. A tab
  // used as indentation is the usual root cause, so it wins over what it triggers.
  const syntax = doc.errors.filter((e) => e.code !== 'DUPLICATE_KEY');
  const root = syntax.find((e) => e.code === 'TAB_AS_INDENT') ?? syntax[0];
  for (const err of doc.errors.filter((e) => e.code === 'DUPLICATE_KEY' || e === root)) {
    const [start, end] = err.pos;
    const duplicate = err.code === 'DUPLICATE_KEY';
    const tab = err.code === 'TAB_AS_INDENT';
    diagnostics.push(
      withRange(file, duplicate ? 'duplicate-key' : 'yaml-syntax', '', idx.range(start, end), err.message.split('\n')[0] ?? err.message, {
        hint: duplicate
          ? 'Remove one of the two keys; only one value can apply.'
          : tab
            ? 'Indent YAML with spaces, never tabs.'
            : 'Check indentation and quoting around this position.',
      }),
    );
  }
  if (diagnostics.length > 0) return { ok: false, text, diagnostics };
  const map = new SourceMap();
  const value = doc.contents ? walk(doc.contents as YamlNode, '', map, idx, undefined) : null;
  return { ok: true, doc: { file, text, format: 'yaml', value, sourceMap: map }, diagnostics: [] };
}

function nodeRange(idx: LineIndex, node: { range?: [number, number, number] | null } | null | undefined) {
  const r = node?.range;
  return r ? idx.range(r[0], r[1]) : idx.range(0, 0);
}

function walk(
  node: YamlNode,
  pointer: string,
  map: SourceMap,
  idx: LineIndex,
  keyRange: ReturnType<LineIndex['range']> | undefined,
): unknown {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  const valueRange = nodeRange(idx, node);
  map.set(pointer, keyRange ? { key: keyRange, value: valueRange } : { value: valueRange });
  if (isMap(node)) {
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const keyNode = item.key as YamlNode | null;
      const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode ?? '');
      const childPointer = joinPointer(pointer, name);
      const kRange = nodeRange(idx, keyNode as never);
      const child = item.value as YamlNode | null;
      if (child === null || child === undefined) {
        map.set(childPointer, { key: kRange, value: kRange });
        out[name] = null;
      } else {
        out[name] = walk(child, childPointer, map, idx, kRange);
      }
    }
    return out;
  }
  if (isSeq(node)) {
    return node.items.map((item, i) => {
      const p = joinPointer(pointer, i);
      if (item === null || item === undefined) {
        map.set(p, { value: valueRange });
        return null;
      }
      return walk(item as YamlNode, p, map, idx, undefined);
    });
  }
  if (isScalar(node)) {
    const v = node.value;
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'bigint') return Number(v);
    return v;
  }
  // Alias nodes: resolve to the anchored value's JSON form.
  return (node as { toJSON?: () => unknown }).toJSON?.() ?? null;
}
