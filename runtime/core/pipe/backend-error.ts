/**
 * A backend answer Lura treats as an error. With `return_error_code` it
 * carries the backend's status, body and Content-Type so a single-backend
 * endpoint can hand them to the client.
 */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly body?: Buffer,
    readonly contentType?: string,
  ) {
    super(message);
  }
}

/** Several failures reported together, joined by newlines as Lura's merger does. */
export class MergeError extends Error {
  constructor(readonly errors: Error[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}
