import { describe, expect, it } from 'vitest';
import { base, checkGateway, ids } from '../helpers/check.js';

describe('probe paths', () => {
  it('warns of a GET endpoint the /healthz or /readyz probe hides, not of other methods or longer paths', () => {
    const ds = checkGateway(base([
      { endpoint: '/healthz', backend: [{ url_pattern: '/h' }] },
      { endpoint: '/readyz', method: 'POST', backend: [{ url_pattern: '/r' }] },
      { endpoint: '/v1/healthz', backend: [{ url_pattern: '/h' }] },
    ]));
    expect(ids(ds)).toEqual(['endpoint-path-probe']);
    expect(ds[0]!.pointer).toBe('/endpoints/0/endpoint');
  });
});
