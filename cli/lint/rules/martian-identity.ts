/**
 * identity-header-copied: a backend's `modifier/martian` writes a value the
 * client chose into an identity header (X-User-Id, X-Org-Id, …). Martian runs
 * on the backend request after the gateway stripped and minted identity, so
 * such a copy undoes the strip: the client names the identity the backend
 * trusts.
 *
 * Client-chosen sources are the request path (`stash.Modifier`) and a header
 * the endpoint's input_headers let through (`header.Copy`'s `from`), unless
 * that header is itself an identity header the edge writes from a verified
 * token. A static `header.Modifier` value is the operator's, not the client's,
 * and is left alone.
 */
import { diagnosticAt } from '../../diagnostics/make.js';
import { backends, isObj, str, strs, type EndpointRef } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import { isIdentityHeader } from '../../../runtime/shared/headers/ingress-strip.js';
import type { LintContext } from '../context.js';

interface Write {
  /** Pointer of the offending key inside the config. */
  at: string;
  modifier: string;
  to: string;
  /** The client-side source: a header name, or undefined for the path. */
  from?: string;
}

/** Reports martian writes of client-chosen values into identity headers, for one endpoint. */
export function martianIdentityCopies(ctx: LintContext, ref: EndpointRef, edgeStrips: boolean): void {
  const passed = strs(ref.value.input_headers).map((h) => h.toLowerCase());
  const clientSends = (name: string) => passed.includes('*') || passed.includes(name.toLowerCase());
  for (const be of backends(ref)) {
    const at = joinPointer(joinPointer(be.pointer, 'extra_config'), 'modifier/martian');
    const spec = isObj(be.value.extra_config) ? be.value.extra_config['modifier/martian'] : undefined;
    for (const w of identityWrites(spec, at)) {
      const clientChosen = w.from === undefined
        || (clientSends(w.from) && !(edgeStrips && isIdentityHeader(w.from.toLowerCase())));
      if (!clientChosen) continue;
      const source = w.from === undefined ? 'the request path' : `the client's ${w.from} header`;
      ctx.report(diagnosticAt(ctx.doc, 'identity-header-copied', w.at,
        `${str(ref.value.method) ?? 'GET'} ${str(ref.value.endpoint) ?? ''}: martian ${w.modifier} writes ${source} into ${w.to}, after the gateway stripped it: a client can claim any identity at this backend`, {
          on: 'value',
          hint: `Write ${w.to} from a verified source (the IAM gate mints it; auth/validator propagate_claims), or copy into a header the backend does not trust as identity.`,
        }));
    }
  }
}

/** Every request-scope write into an identity header in a martian tree, with its pointer. */
function identityWrites(spec: unknown, at: string): Write[] {
  if (!isObj(spec)) return [];
  const out: Write[] = [];
  for (const [name, raw] of Object.entries(spec)) {
    if (!isObj(raw)) continue;
    const here = joinPointer(at, name);
    const scope = Array.isArray(raw.scope) ? raw.scope : ['request', 'response']; // martian's default: both
    if (scope.includes('request')) {
      const to = name === 'header.Copy' ? str(raw.to) : name === 'stash.Modifier' ? str(raw.headerName) : undefined;
      if (to !== undefined && isIdentityHeader(to.toLowerCase())) {
        out.push({ at: joinPointer(here, name === 'header.Copy' ? 'to' : 'headerName'), modifier: name, to, from: name === 'header.Copy' ? str(raw.from) ?? '' : undefined });
      }
    }
    out.push(...identityWrites(raw.modifier, joinPointer(here, 'modifier')), ...identityWrites(raw.else, joinPointer(here, 'else')));
    if (Array.isArray(raw.modifiers)) {
      raw.modifiers.forEach((m, i) => {
        const item = joinPointer(joinPointer(here, 'modifiers'), String(i));
        // priority.Group items wrap the modifier as {priority, modifier}; fifo.Group items are modifiers.
        out.push(...(isObj(m) && 'modifier' in m && 'priority' in m ? identityWrites(m.modifier, joinPointer(item, 'modifier')) : identityWrites(m, item)));
      });
    }
  }
  return out;
}
