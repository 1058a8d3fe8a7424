/**
 * identity-header-copied: a backend's `modifier/martian` writes a value the
 * client chose into an identity header (X-User-Id, X-Org-Id, …). Martian runs
 * on the backend request after the gateway stripped and minted identity, so
 * such a copy undoes the strip: the client names the identity the backend
 * trusts.
 *
 * Client-chosen sources are the request path (`stash.Modifier`), a header the
 * endpoint's input_headers let through (Content-Type when it names none), the
 * headers the gateway itself fills from the client's (X-Forwarded-Host from
 * Host, X-Forwarded-For from the first X-Forwarded-For entry, and under the
 * hanzo profile X-Request-ID, the client's when plain), and any header an
 * earlier martian write filled from one of those — unless the source is an identity header the edge writes from
 * a verified token. A static `header.Modifier` value is the operator's, not
 * the client's, and is left alone. Martian's order and a backend's own
 * input_headers are not followed: a warning too many beats a hole missed.
 */
import { diagnosticAt } from '../../diagnostics/make.js';
import { backends, isObj, namespaceKey, obj, str, strs, type EndpointRef } from '../../config/view.js';
import { joinPointer } from '../../load/json-pointer.js';
import { isIdentityHeader } from '../../../runtime/shared/headers/ingress-strip.js';
import type { LintContext } from '../context.js';

/** A request-scope write of a possibly client-chosen value into a header. */
interface Write {
  /** Pointer of the offending key inside the config. */
  at: string;
  modifier: string;
  /** The header written, as the config spells it. */
  to: string;
  /** The source header, lower-case, or undefined for the path. */
  from?: string;
}

/** Headers every backend request carries with a value the client chose, whatever input_headers say. */
const FORWARDED_FROM_CLIENT = new Set(['x-forwarded-host', 'x-forwarded-for']);

/** Reports martian writes of client-chosen values into identity headers, for one endpoint. */
export function martianIdentityCopies(ctx: LintContext, ref: EndpointRef, edgeStrips: boolean): void {
  const named = strs(ref.value.input_headers);
  // No (or an empty) input_headers forwards Content-Type, as Lura does.
  const passed = new Set(named.length > 0 ? named.map((h) => h.toLowerCase()) : ['content-type']);
  const ownsRequestId = ctx.profile.name === 'hanzo';
  const clientSends = (lower: string) =>
    passed.has('*') || passed.has(lower) || FORWARDED_FROM_CLIENT.has(lower) || (ownsRequestId && lower === 'x-request-id');
  for (const be of backends(ref)) {
    const extra = obj(be.value.extra_config);
    const ns = namespaceKey(extra, 'modifier/martian');
    if (ns === undefined) continue;
    const writes = headerWrites(extra[ns], joinPointer(joinPointer(be.pointer, 'extra_config'), ns));
    // Headers holding a client-chosen value once martian ran, grown until no write adds one.
    const tainted = new Set<string>();
    const chosen = (w: Write) =>
      w.from === undefined || tainted.has(w.from) || (clientSends(w.from) && !(edgeStrips && isIdentityHeader(w.from)));
    for (let grew = true; grew; ) {
      grew = false;
      for (const w of writes) {
        const to = w.to.toLowerCase();
        if (tainted.has(to) || !chosen(w)) continue;
        tainted.add(to);
        grew = true;
      }
    }
    for (const w of writes) {
      if (!isIdentityHeader(w.to.toLowerCase()) || !chosen(w)) continue;
      const source = w.from === undefined ? 'the request path' : `the client's ${w.from} header`;
      ctx.report(diagnosticAt(ctx.doc, 'identity-header-copied', w.at,
        `${str(ref.value.method) ?? 'GET'} ${str(ref.value.endpoint) ?? ''}: martian ${w.modifier} writes ${source} into ${w.to}, after the gateway stripped it: a client can claim any identity at this backend`, {
          on: 'value',
          hint: `Write ${w.to} from a verified source (the IAM gate mints it; auth/validator propagate_claims), or copy into a header the backend does not trust as identity.`,
        }));
    }
  }
}

/** Every request-scope header.Copy and stash.Modifier in a martian tree, with its pointer. */
function headerWrites(spec: unknown, at: string): Write[] {
  if (!isObj(spec)) return [];
  const out: Write[] = [];
  for (const [name, raw] of Object.entries(spec)) {
    if (!isObj(raw)) continue;
    const here = joinPointer(at, name);
    const scope = Array.isArray(raw.scope) ? raw.scope : ['request', 'response']; // martian's default: both
    if (scope.includes('request')) {
      const copy = name === 'header.Copy';
      const to = copy ? str(raw.to) : name === 'stash.Modifier' ? str(raw.headerName) : undefined;
      if (to !== undefined) out.push({ at: joinPointer(here, copy ? 'to' : 'headerName'), modifier: name, to, from: copy ? (str(raw.from) ?? '').toLowerCase() : undefined });
    }
    out.push(...headerWrites(raw.modifier, joinPointer(here, 'modifier')), ...headerWrites(raw.else, joinPointer(here, 'else')));
    if (Array.isArray(raw.modifiers)) {
      raw.modifiers.forEach((m, i) => {
        const item = joinPointer(joinPointer(here, 'modifiers'), String(i));
        // priority.Group items wrap the modifier as {priority, modifier} (priority may be left out); fifo.Group items are modifiers.
        out.push(...(name === 'priority.Group' ? headerWrites(isObj(m) ? m.modifier : undefined, joinPointer(item, 'modifier')) : headerWrites(m, item)));
      });
    }
  }
  return out;
}
