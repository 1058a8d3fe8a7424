import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../cli/diagnostics/did-you-mean.js';

describe('did-you-mean', () => {
  it('measures transpositions as one edit', () => {
    expect(editDistance('tiemout', 'timeout')).toBe(1);
  });
  it('suggests close names only', () => {
    expect(didYouMean('tiemout', ['timeout', 'port', 'name'])).toEqual(['timeout']);
    expect(didYouMean('foo', ['timeout', 'port'])).toEqual([]);
    expect(didYouMean('auth/validatr', ['auth/validator', 'auth/signer'])).toEqual(['auth/validator']);
    expect(didYouMean('input-headers', ['input_headers'])).toEqual(['input_headers']);
  });
});
