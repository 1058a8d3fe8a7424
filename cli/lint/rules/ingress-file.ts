import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diagnosticAt, relatedAt } from '../../diagnostics/make.js';
import { arr, isObj, obj, str } from '../../config/view.js';
import type { LoadedDocument } from '../../load/document.js';
import { isHttpUrl } from './routes-file.js';

/** ingress.json: unparseable backend URLs (the Go ingress skips them with a warning) and hosts listed twice. */
export function lintIngressFile(doc: LoadedDocument, report: (d: Diagnostic) => void): void {
  const hosts = new Map<string, string>();
  arr(obj(doc.value).routes).forEach((route, i) => {
    if (!isObj(route)) return;
    const p = `/routes/${i}`;
    const host = str(route.host);
    if (host !== undefined) {
      const first = hosts.get(host);
      if (first) {
        report(diagnosticAt(doc, 'ingress-duplicate-host', `${p}/host`, `host ${JSON.stringify(host)} is routed twice; only one of the two entries can apply`, {
          on: 'value', related: [relatedAt(doc, first, 'first routed here')], hint: 'Merge the backends of both entries into one.',
        }));
      } else {
        hosts.set(host, `${p}/host`);
      }
    }
    arr(route.backends).forEach((b, j) => {
      const url = str(obj(b).url);
      if (url !== undefined && !isHttpUrl(url)) {
        report(diagnosticAt(doc, 'ingress-backend-url', `${p}/backends/${j}/url`, `backend URL ${JSON.stringify(url)} is not an absolute http(s) URL`, { on: 'value' }));
      }
    });
  });
}
