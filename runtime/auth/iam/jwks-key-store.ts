/**
 * The IAM signing keys, downloaded from the JWKS URL and held in memory.
 *
 * - Lazy: nothing is fetched at start-up, so the gateway starts (and serves
 *   public and API-key traffic) while IAM is down; the first token to verify
 *   triggers the download.
 * - Cached for `ttlMs` (5 min, as the Go gateway passes); the first lookup
 *   after that re-downloads. Concurrent lookups share one download.
 * - Stale-on-error: when a refresh fails and keys are held, the held keys keep
 *   working. The failed attempt is retried after `refreshCooldownMs` rather
 *   than on every request, so an outage does not add a JWKS timeout to each
 *   request (Go retries on the next request).
 * - Rotation: a kid the held set does not know triggers one re-download, at
 *   most once per `refreshCooldownMs` (so random kids cannot turn into a
 *   download per request). Go waits for the TTL instead.
 *
 * Loading rules (edge.Keys): `{"keys":[…]}`, entries without `kid` or with a
 * `use` other than empty/`sig` skipped; RSA exponents 1–8 bytes, odd, ≥ 3;
 * EC on P-256/P-384/P-521 with a point on the curve; other key types ignored;
 * a set with no usable key is a load error. A kid may carry several keys.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { boundedGet } from './bounded-get.js';

export interface JwksKeyStoreOptions {
  url: string;
  /** Time a downloaded set stays fresh. Default 5 min. */
  ttlMs?: number;
  /** Minimum time between downloads forced by an unknown kid or retrying after a failure. Default 30 s. */
  refreshCooldownMs?: number;
  /** Download timeout. Default 10 s. */
  timeoutMs?: number;
  /** Largest JWKS body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Called when a refresh fails while older keys stay in use. */
  onStale?: (error: Error) => void;
}

/** A usable public key as published, reduced to the members a verifier needs. */
export interface PublishedKey {
  kid: string;
  jwk: JWK & ({ kty: 'RSA'; n: string; e: string } | { kty: 'EC'; crv: 'P-256' | 'P-384' | 'P-521'; x: string; y: string });
}

export class JwksUnavailableError extends Error {}

export class JwksKeyStore {
  private readonly url: string;
  private readonly ttlMs: number;
  private readonly cooldownMs: number;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly onStale: ((error: Error) => void) | undefined;

  private keys: Map<string, PublishedKey[]> | undefined;
  /** When the held set was downloaded. */
  private loadedAt = 0;
  /** When the last download was started (successful or not). */
  private attemptedAt = 0;
  private inflight: Promise<void> | undefined;

  constructor(options: JwksKeyStoreOptions) {
    this.url = options.url;
    this.ttlMs = options.ttlMs !== undefined && options.ttlMs > 0 ? options.ttlMs : 5 * 60_000;
    this.cooldownMs = options.refreshCooldownMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
    this.onStale = options.onStale;
  }

  /** The keys published under `kid` (possibly none). Rejects only when no key set could ever be loaded. */
  async keysFor(kid: string): Promise<readonly PublishedKey[]> {
    const now = Date.now();
    if (this.keys === undefined) {
      await this.refresh();
    } else if (now - this.loadedAt >= this.ttlMs && now - this.attemptedAt >= this.cooldownMs) {
      await this.refresh();
    }
    const keys = this.keys;
    if (keys === undefined) throw new JwksUnavailableError('jwks: no signing keys loaded');
    const found = keys.get(kid);
    if (found !== undefined) return found;
    if (this.inflight !== undefined) await this.inflight;
    else if (Date.now() - this.attemptedAt >= this.cooldownMs) await this.refresh();
    return this.keys?.get(kid) ?? [];
  }

  /** One download at a time; callers arriving meanwhile wait for it. Failure keeps held keys. */
  private refresh(): Promise<void> {
    if (this.inflight === undefined) {
      this.attemptedAt = Date.now();
      this.inflight = this.download().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async download(): Promise<void> {
    try {
      const res = await boundedGet(this.url, { timeoutMs: this.timeoutMs, maxBodyBytes: this.maxBodyBytes, headers: { Accept: 'application/json' } });
      if (res.status !== 200) throw new Error(`jwks: the key server answered ${res.status}`); // no URL: this text can reach a client's 401 detail
      this.keys = parseKeySet(res.body.toString('utf8'));
      this.loadedAt = Date.now();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      if (this.keys === undefined) throw new JwksUnavailableError(`jwks: ${error.message}`);
      this.onStale?.(error);
    }
  }
}

/** Parses a JWKS document into usable keys by kid; throws when none is usable. */
export function parseKeySet(text: string): Map<string, PublishedKey[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('jwks: body is not JSON');
  }
  const entries = typeof doc === 'object' && doc !== null && Array.isArray((doc as { keys?: unknown }).keys) ? ((doc as { keys: unknown[] }).keys) : undefined;
  if (entries === undefined) throw new Error('jwks: no "keys" array');
  const byKid = new Map<string, PublishedKey[]>();
  for (const entry of entries) {
    const key = usableKey(entry);
    if (key === undefined) continue;
    const list = byKid.get(key.kid);
    if (list) list.push(key);
    else byKid.set(key.kid, [key]);
  }
  if (byKid.size === 0) throw new Error('jwks: no usable signing key');
  return byKid;
}

function usableKey(entry: unknown): PublishedKey | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as Record<string, unknown>;
  const kid = e.kid;
  if (typeof kid !== 'string' || kid === '') return undefined;
  if (e.use !== undefined && e.use !== '' && e.use !== 'sig') return undefined;
  let key: PublishedKey | undefined;
  if (e.kty === 'RSA' && typeof e.n === 'string' && typeof e.e === 'string' && e.n !== '' && goodRsaExponent(e.e)) {
    key = { kid, jwk: { kty: 'RSA', n: e.n, e: e.e } };
  } else if (e.kty === 'EC' && (e.crv === 'P-256' || e.crv === 'P-384' || e.crv === 'P-521') && typeof e.x === 'string' && typeof e.y === 'string') {
    key = { kid, jwk: { kty: 'EC', crv: e.crv, x: e.x, y: e.y } };
  }
  if (key === undefined) return undefined;
  try {
    // Rejects malformed moduli and EC points that are not on the curve.
    createPublicKey({ key: key.jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
  return key;
}

/** Big-endian base64url exponent of 1–8 bytes, odd and at least 3. */
function goodRsaExponent(b64: string): boolean {
  if (!/^[A-Za-z0-9_-]+$/.test(b64)) return false;
  const bytes = Buffer.from(b64, 'base64url');
  if (bytes.length < 1 || bytes.length > 8) return false;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value >= 3n && (value & 1n) === 1n;
}
