/**
 * Paths in machine reports are relative to the repository, not as typed:
 * GitHub attaches an annotation, and code scanning a SARIF result, to a file
 * only by its path from the workspace root. The root is GITHUB_WORKSPACE under
 * Actions, else the current directory.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The folder report paths are relative to. */
export function reportBase(env: NodeJS.ProcessEnv): string {
  return resolve(env.GITHUB_WORKSPACE || process.cwd());
}

/** `file` from `base`, with forward slashes; undefined when it lies outside `base` (or is not a path, like `<stdin>`). */
export function pathFromBase(base: string, file: string): string | undefined {
  if (file.startsWith('<')) return undefined;
  const rel = relative(base, resolve(base, file));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** The base as the `file:` URI SARIF's originalUriBaseIds wants (with the trailing slash). */
export function baseUri(base: string): string {
  const href = pathToFileURL(base).href;
  return href.endsWith('/') ? href : `${href}/`;
}
