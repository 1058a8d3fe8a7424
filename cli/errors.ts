/** Errors that cross module boundaries carry a stable code; callers match on `code`, never on the class. */
export type HgwErrorCode =
  | 'HGW_USAGE'
  | 'HGW_INPUT_UNREADABLE'
  | 'HGW_INPUT_MALFORMED'
  | 'HGW_INTERNAL'
  /** The config needs a runtime module this hgw version does not have. */
  | 'HGW_UNSUPPORTED'
  /** esbuild or the output folder failed. */
  | 'HGW_BUILD_FAILED';

export class HgwError extends Error {
  readonly code: HgwErrorCode;
  constructor(code: HgwErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'HgwError';
  }
}

export function isHgwError(e: unknown, code?: HgwErrorCode): e is HgwError {
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
    && (e as { code: string }).code.startsWith('HGW_') && (code === undefined || (e as { code: string }).code === code);
}
