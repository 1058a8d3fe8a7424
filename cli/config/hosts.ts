/** Lura's host sanitiser accepts `[http[s]://]name[:port][/]` and nothing else. */
export const HOST_PATTERN = /^(https?:\/\/)?[A-Za-z0-9._-]+(:[0-9]{2,6})?\/?$/;

/** `http://` is prepended when the scheme is missing; a trailing `/` is dropped. */
export function sanitizeHost(host: string): string {
  const withScheme = /^https?:\/\//.test(host) ? host : `http://${host}`;
  return withScheme.replace(/\/$/, '');
}
