/**
 * A strict reader of Prometheus' text exposition format (version 0.0.4) for
 * scrape tests: every line must be a `# HELP`, a `# TYPE`, another comment or
 * a sample `name{label="value",…} value [timestamp]` with valid names, closed
 * quotes and legal escapes; anything else throws, so a malformed scrape fails
 * the test rather than parsing to nothing.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
  help: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parseExposition(text: string): Exposition {
  const out: Exposition = { samples: [], types: new Map(), help: new Map() };
  text.split('\n').forEach((line, i) => {
    const fail = (why: string): never => {
      throw new Error(`line ${i + 1}: ${why}: ${JSON.stringify(line)}`);
    };
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
      if (!m) return;
      if (m[1] === 'TYPE') {
        if (!TYPES.has(m[3]!)) fail('unknown type');
        if (out.types.has(m[2]!)) fail('second TYPE line');
        out.types.set(m[2]!, m[3]!);
      } else out.help.set(m[2]!, m[3]!);
      return;
    }
    const name = NAME.exec(line)?.[0] ?? fail('no metric name');
    let rest = line.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      while (!rest.startsWith('}')) {
        const label = LABEL.exec(rest)?.[0] ?? fail('bad label name');
        rest = rest.slice(label.length);
        if (!rest.startsWith('="')) fail('label without ="');
        rest = rest.slice(2);
        let value = '';
        for (;;) {
          const c = rest[0] ?? fail('unclosed label value');
          rest = rest.slice(1);
          if (c === '"') break;
          if (c === '\\') {
            const e = rest[0];
            rest = rest.slice(1);
            if (e === 'n') value += '\n';
            else if (e === '\\' || e === '"') value += e;
            else fail('bad escape');
          } else value += c;
        }
        if (label in labels) fail('repeated label');
        labels[label] = value;
        if (rest.startsWith(',')) rest = rest.slice(1);
        else if (!rest.startsWith('}')) fail('expected , or }');
      }
      rest = rest.slice(1);
    }
    const parts = rest.trim().split(' ');
    if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) fail('bad value part');
    const value = parts[0] === '+Inf' ? Infinity : parts[0] === '-Inf' ? -Infinity : parts[0] === 'NaN' ? NaN : Number(parts[0]);
    if (Number.isNaN(value) && parts[0] !== 'NaN') fail('value is not a number');
    out.samples.push({ name, labels, value });
  });
  return out;
}

/** The samples of one metric whose labels include `match`. */
export function samples(e: Exposition, name: string, match: Record<string, string> = {}): Sample[] {
  return e.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}
