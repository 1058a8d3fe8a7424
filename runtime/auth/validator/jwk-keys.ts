import { readFileSync } from 'node:fs';
import { importJWK, type JWK, type JWTHeaderParameters } from 'jose';

/**
 * Where a validator or signer gets its keys: a JWK set at `jwk_url`
 * (fetched on first use — the gateway starts without it — kept for
 * `cache_duration` when `cache` is on, fetched again when a token names an
 * unknown kid, at most once per cooldown, and kept when a refresh fails) or a
 * file at `jwk_local_path`. Symmetric (`oct`) keys work too, which jose's
 * JWKS helpers refuse, hence this small resolver.
 */
export interface KeySourceOptions {
  url?: string;
  /** `disable_jwk_security`: plain http:// key servers are refused unless this is set. */
  allowInsecure?: boolean;
  localPath?: string;
  cacheMs: number;
  cooldownMs: number;
}

type ImportedKey = Awaited<ReturnType<typeof importJWK>>;

export class JwkKeys {
  private keys: JWK[] | null = null;
  private fetchedAt = 0;
  private lastRefresh = 0;
  private loading: Promise<void> | null = null;
  private readonly imported = new Map<string, ImportedKey>();

  constructor(private readonly options: KeySourceOptions) {
    if (!options.url && !options.localPath) throw new Error('auth: jwk_url or jwk_local_path is required');
  }

  private insecureRefused(): Error | undefined {
    const url = this.options.url;
    if (this.options.localPath || !url || this.options.allowInsecure || !url.startsWith('http:')) return undefined;
    return new Error(`JWK client: ${url} is not https (set disable_jwk_security to allow it)`);
  }

  /** The key for a token's protected header (kid, alg); throws when none fits. */
  async keyFor(header: Pick<JWTHeaderParameters, 'kid' | 'alg'>, alg: string): Promise<ImportedKey> {
    let jwk = await this.find(header.kid, alg, false);
    if (!jwk) jwk = await this.find(header.kid, alg, true); // an unknown kid may mean the issuer rotated its keys
    if (!jwk) throw new Error(`no key for kid ${JSON.stringify(header.kid ?? '')}`);
    const cacheKey = `${jwk.kid ?? ''}|${alg}|${jwk.k ?? jwk.n ?? jwk.x ?? ''}`;
    let key = this.imported.get(cacheKey);
    if (!key) {
      key = await importJWK({ ...jwk, alg }, alg);
      this.imported.set(cacheKey, key);
    }
    return key;
  }

  private async find(kid: string | undefined, alg: string, forceRefresh: boolean): Promise<JWK | undefined> {
    const stale = this.keys === null || (this.options.cacheMs > 0 ? Date.now() - this.fetchedAt > this.options.cacheMs : this.options.url !== undefined);
    if (stale || (forceRefresh && Date.now() - this.lastRefresh >= this.options.cooldownMs)) await this.load();
    const keys = this.keys ?? [];
    const usable = keys.filter((k) => (k.use === undefined || k.use === 'sig') && (k.alg === undefined || k.alg === alg));
    if (kid !== undefined) return usable.find((k) => k.kid === kid);
    return usable.length === 1 ? usable[0] : undefined;
  }

  private load(): Promise<void> {
    this.loading ??= this.fetchKeys()
      .then((keys) => {
        this.keys = keys;
        this.fetchedAt = Date.now();
      })
      .catch((e: Error) => {
        // Stale keys keep working while the JWK server is down; with none at all, the token fails.
        if (this.keys === null) throw e;
      })
      .finally(() => {
        this.lastRefresh = Date.now();
        this.loading = null;
      });
    return this.loading;
  }

  private async fetchKeys(): Promise<JWK[]> {
    const refused = this.insecureRefused();
    if (refused) throw refused;
    const text = this.options.localPath
      ? readFileSync(this.options.localPath, 'utf8')
      : await (async () => {
          const res = await fetch(this.options.url!, { signal: AbortSignal.timeout(5000) });
          if (!res.ok) throw new Error(`JWK server answered ${res.status}`);
          return res.text();
        })();
    const set = JSON.parse(text) as { keys?: JWK[] };
    if (!Array.isArray(set.keys)) throw new Error('JWK set has no "keys" list');
    return set.keys;
  }
}
