/**
 * Why: the store must stay within `max_items` / `max_size` (least recently
 * used out first) and must key responses by their `Vary` request headers
 * (RFC 9111 §4.1), which are only known once a response for the resource has
 * been seen. It remembers, per resource, the header names the resource
 * varies on and which variants it holds, so a lookup computes one key and a
 * change of `Vary` or an invalidation drops every variant at once.
 */
import { headerValues } from './header-lines.js';
import type { StoredResponse } from './stored-response.js';

interface Slot {
  resource: string;
  response: StoredResponse;
  size: number;
}

interface Resource {
  varyNames: string[];
  variants: Set<string>;
}

/** A rough per-entry bookkeeping cost, so many tiny entries still count against `max_size`. */
const ENTRY_OVERHEAD = 256;

export class ResponseCache {
  /** Variant key → slot; Map order is recency order (oldest first). */
  private readonly slots = new Map<string, Slot>();
  private readonly resources = new Map<string, Resource>();
  private bytes = 0;

  constructor(
    readonly maxItems: number,
    readonly maxSize: number,
  ) {}

  get itemCount(): number {
    return this.slots.size;
  }

  get byteCount(): number {
    return this.bytes;
  }

  /** The stored response for this resource whose varied headers match the request's, marking it recently used. */
  lookup(resource: string, requestHeaders: readonly string[]): StoredResponse | undefined {
    const r = this.resources.get(resource);
    if (!r) return undefined;
    const key = variantKey(resource, r.varyNames, requestHeaders);
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.response;
  }

  /** Stores (or replaces) the variant the request selects; false when it is larger than the whole cache. */
  save(resource: string, requestHeaders: readonly string[], response: StoredResponse): boolean {
    const size = sizeOf(response);
    if (size > this.maxSize) {
      this.removeVariant(resource, requestHeaders);
      return false;
    }
    const known = this.resources.get(resource);
    if (known && !sameNames(known.varyNames, response.varyNames)) this.invalidate(resource);
    const key = variantKey(resource, response.varyNames, requestHeaders);
    this.drop(key); // may forget the resource when this was its last variant
    let r = this.resources.get(resource);
    if (!r) {
      r = { varyNames: response.varyNames, variants: new Set() };
      this.resources.set(resource, r);
    }
    this.slots.set(key, { resource, response, size });
    r.variants.add(key);
    this.bytes += size;
    while (this.slots.size > this.maxItems || this.bytes > this.maxSize) {
      const oldest = this.slots.keys().next();
      if (oldest.done) break;
      this.drop(oldest.value);
    }
    return this.slots.has(key);
  }

  /** Forgets the variant this request selects (a stored response that may no longer be used). */
  removeVariant(resource: string, requestHeaders: readonly string[]): void {
    const r = this.resources.get(resource);
    if (r) this.drop(variantKey(resource, r.varyNames, requestHeaders));
  }

  /** Forgets every variant of a resource. */
  invalidate(resource: string): void {
    const r = this.resources.get(resource);
    if (!r) return;
    for (const key of [...r.variants]) this.drop(key);
    this.resources.delete(resource);
  }

  private drop(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.bytes -= slot.size;
    const r = this.resources.get(slot.resource);
    if (!r) return;
    r.variants.delete(key);
    if (r.variants.size === 0) this.resources.delete(slot.resource);
  }
}

/** The key of one variant: the resource plus each varied request header's normalised value (absent ≠ empty). */
export function variantKey(resource: string, varyNames: readonly string[], requestHeaders: readonly string[]): string {
  let key = resource;
  for (const name of varyNames) {
    const lines = headerValues(requestHeaders, name);
    const value =
      lines.length === 0
        ? '\u0001'
        : lines
            .join(',')
            .split(',')
            .map((v) => v.trim())
            .join(',');
    key += `\u0000${name}=${value}`;
  }
  return key;
}

function sizeOf(r: StoredResponse): number {
  let n = ENTRY_OVERHEAD + r.body.length + r.statusText.length;
  for (const h of r.headers) n += h.length;
  return n;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
