import { describe, expect, it } from 'vitest';
import { canonicalHeaderKey } from '../../cli/config/headers.js';

describe('canonicalHeaderKey', () => {
  it.each([
    ['content-type', 'Content-Type'],
    ['X-USER-ID', 'X-User-Id'],
    ['x-forwarded-for', 'X-Forwarded-For'],
    ['etag', 'Etag'],
    ['bad header', 'bad header'],
  ])('%s → %s', (a, b) => expect(canonicalHeaderKey(a)).toBe(b));
});
