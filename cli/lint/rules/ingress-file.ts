import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import { diagnosticAt, relatedAt } from '../../diagnostics/make.js';
import { arr, isObj, obj, str } from '../../config/view.js';
import type { LoadedDocument } from '../../load/document.js';
import { isHttpUrl } from './routes-file.js';

/** ingress.json: a listen address that is not [host]:port, unparseable backend URLs (the Go ingress skips them with a warning) and hosts listed twice. */
export function lintIngressFile(doc: LoadedDocument, report: (d: Diagnostic) => void): void {
  const listen = obj(doc.value).listen;
  if (typeof listen === 'string' && !isListenAddress(listen)) {
    report(diagnosticAt(doc, 'ingress-listen', '/listen', `listen address ${JSON.stringify(listen)} is not [host]:port`, { on: 'value', suggestions: [':8080'] }));
  }
  const hosts = new Map<string, string>();
  arr(obj(doc.value).routes).forEach((route, i) => {
    if (!isObj(route)) return;
    const p = `/routes/${i}`;
    const host = str(route.host);
    if (host !== undefined) {
      const first = hosts.get(host);
      if (first) {
        report(diagnosticAt(doc, 'ingress-duplicate-host', `${p}/host`, `host ${JSON.stringify(host)} is routed twice; only this later entry is served`, {
          on: 'value', related: [relatedAt(doc, first, 'never served: routed here first')], hint: 'Merge the backends of both entries into one.',
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

/** Go's `[host]:port` with a port that fits: `:8080`, `0.0.0.0:80`, `[::1]:8080`. */
function isListenAddress(s: string): boolean {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]*):(\d{1,5})$/.exec(s);
  return m !== null && Number(m[2]) <= 65535;
}
