/**
 * The contract of a module's settings parser: raw `extra_config` value in,
 * typed settings (defaults filled in) and the problems found out. Parsers are
 * pure and run when the Plan is built, so a wrong setting is a `check`
 * diagnostic at its position and the bundle carries only parsed values.
 *
 * Wrong JSON types are the schema's to report; a parser names what the schema
 * lets through but the runtime would refuse (`error`) or ignore (`warning`).
 */
export interface SettingsProblem {
  /** JSON pointer inside the namespace's value (`''` for the value itself). */
  pointer: string;
  message: string;
  /** What to write instead. */
  fix: string;
  severity: 'error' | 'warning';
}

/** `settings` is undefined when the value turns the module off (not an object, or limits nothing). */
export interface ParsedSettings<T> {
  settings: T | undefined;
  problems: SettingsProblem[];
}

export type SettingsParser<T> = (raw: unknown) => ParsedSettings<T>;

/** Where a reader puts what it finds wrong while it reads. */
export class Problems {
  readonly list: SettingsProblem[] = [];

  warn(pointer: string, message: string, fix: string): void {
    this.list.push({ pointer, message, fix, severity: 'warning' });
  }

  error(pointer: string, message: string, fix: string): void {
    this.list.push({ pointer, message, fix, severity: 'error' });
  }
}

/**
 * A parser from a reader that reports into `Problems`. Declare it
 * `/* @__PURE__ *\/ settingsParser(...)`, so a bundle whose runtime imports
 * only a helper or a type from the parser's file drops the parser.
 */
export function settingsParser<T>(read: (raw: unknown, problems: Problems) => T | undefined): SettingsParser<T> {
  return (raw) => {
    const problems = new Problems();
    const settings = read(raw, problems);
    return { settings, problems: problems.list };
  };
}
