import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diagnosticAt, relatedAt } from '../../diagnostics/make.js';
import { arr, isObj, obj, str } from '../../config/view.js';
import type { LoadedDocument } from '../../load/document.js';
import { joinPointer } from '../../load/json-pointer.js';

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Two subdomain patterns overlap when one host can contain both: one is a
 * substring of the other, or the end of one runs into the start of the other
 * at a dot (`api.` + `.hanzo.ai` both match `api.hanzo.ai`).
 */
export function patternsOverlap(a: string, b: string): boolean {
  if (a.includes(b) || b.includes(a)) return true;
  const chained = (x: string, y: string) => {
    for (let k = 1; k < Math.min(x.length, y.length); k++) {
      const tail = x.slice(x.length - k);
      if (tail === y.slice(0, k) && (tail.startsWith('.') || tail.endsWith('.'))) return true;
    }
    return false;
  };
  return chained(a, b) || chained(b, a);
}

/** routes.yaml: targets that cannot be proxied to, ambiguous prefixes, and subdomain patterns whose order would decide. */
export function lintRoutesFile(doc: LoadedDocument, report: (d: Diagnostic) => void): void {
  const root = obj(doc.value);
  for (const [host, target] of Object.entries(obj(root.redirects))) {
    if (typeof target === 'string' && !isHttpUrl(target)) {
      report(diagnosticAt(doc, 'routes-backend-url', joinPointer('/redirects', host), `redirect target ${JSON.stringify(target)} for ${host} is not an absolute http(s) URL`, {
        on: 'value', hint: 'Write e.g. "https://example.com"; the request path is appended to it.',
      }));
    }
  }
  for (const [host, entries] of Object.entries(obj(root.routes))) {
    const hostPtr = joinPointer('/routes', host);
    const seen = new Map<string, string>();
    arr(entries).forEach((entry, i) => {
      if (!isObj(entry)) return;
      const p = `${hostPtr}/${i}`;
      const backend = str(entry.backend);
      if (backend !== undefined && !isHttpUrl(backend)) {
        report(diagnosticAt(doc, 'routes-backend-url', `${p}/backend`, `bad backend URL ${JSON.stringify(backend)} for ${host}${str(entry.prefix) ?? ''}`, {
          on: 'value', hint: 'Write an absolute URL such as "http://service.namespace.svc.cluster.local:8080".',
        }));
      }
      const prefix = str(entry.prefix);
      if (prefix === undefined) return;
      if (!prefix.startsWith('/')) {
        report(diagnosticAt(doc, 'routes-prefix-form', `${p}/prefix`, `prefix ${JSON.stringify(prefix)} does not start with "/" and can never match a request path`, {
          on: 'value', suggestions: [`/${prefix}`],
        }));
      }
      const first = seen.get(prefix);
      if (first !== undefined) {
        report(diagnosticAt(doc, 'routes-duplicate-prefix', `${p}/prefix`, `prefix ${JSON.stringify(prefix)} is listed twice for ${host}; which one wins is undefined`, {
          on: 'value', related: [relatedAt(doc, first, 'first listed here')], hint: 'Remove one of the two entries.',
        }));
      } else {
        seen.set(prefix, `${p}/prefix`);
      }
    });
  }
  const subs = Object.entries(obj(root.subdomains));
  subs.forEach(([pattern, target], i) => {
    const ptr = joinPointer('/subdomains', pattern);
    if (typeof target === 'string' && !isHttpUrl(target)) {
      report(diagnosticAt(doc, 'routes-backend-url', ptr, `bad subdomain backend URL ${JSON.stringify(target)} for pattern ${JSON.stringify(pattern)}`, { on: 'value' }));
    }
    for (const [other] of subs.slice(0, i)) {
      if (patternsOverlap(pattern, other)) {
        report(diagnosticAt(doc, 'routes-subdomain-overlap', ptr, `subdomain patterns ${JSON.stringify(other)} and ${JSON.stringify(pattern)} can match the same host; which one applies is undefined`, {
          related: [relatedAt(doc, joinPointer('/subdomains', other), 'overlapping pattern')],
          hint: 'Make the patterns disjoint, or move the more specific host into "routes" (exact hosts are matched first).',
        }));
      }
    }
  });
}
