/**
 * hgw's exit codes, in a module of their own so the CLI's entry can name them
 * without loading a command (and the schema, lint and build code behind it).
 */
export const EXIT = { ok: 0, findings: 1, input: 2, internal: 3 } as const;
