import type { Command } from 'commander';

/**
 * Whether and how Flexible Configuration is on: KrakenD's FC_* environment
 * variables, or hgw's `--fc-*` flags (a flag wins over its variable).
 * As in KrakenD, any non-empty FC_ENABLE turns it on — even "0".
 */
export interface FlexibleConfigOptions {
  /** FC_SETTINGS: a folder of JSON files, each becoming `.<file name without .json>`. */
  settings?: string;
  /** FC_PARTIALS: a folder of files `include` inserts as they are. */
  partials?: string;
  /** FC_TEMPLATES: a folder of `*.tmpl` files callable with `template "name.tmpl"`. */
  templates?: string;
  /** FC_OUT: where to write the rendered config. */
  out?: string;
  /** What `env` and `expandenv` read (the process environment). */
  env: NodeJS.ProcessEnv;
}

export interface FlexibleConfigFlags {
  fcEnable?: boolean;
  fcSettings?: string;
  fcPartials?: string;
  fcTemplates?: string;
  fcOut?: string;
}

/** The options when FC is on (by FC_ENABLE, --fc-enable or any other --fc-* flag), else undefined. */
export function flexibleConfigOptions(flags: FlexibleConfigFlags, env: NodeJS.ProcessEnv): FlexibleConfigOptions | undefined {
  const anyFlag = flags.fcEnable || flags.fcSettings || flags.fcPartials || flags.fcTemplates || flags.fcOut;
  if (!anyFlag && !env.FC_ENABLE) return undefined;
  const pick = (flag: string | undefined, name: string) => flag ?? (env[name] || undefined);
  const o: FlexibleConfigOptions = { env };
  const settings = pick(flags.fcSettings, 'FC_SETTINGS');
  const partials = pick(flags.fcPartials, 'FC_PARTIALS');
  const templates = pick(flags.fcTemplates, 'FC_TEMPLATES');
  const out = pick(flags.fcOut, 'FC_OUT');
  if (settings) o.settings = settings;
  if (partials) o.partials = partials;
  if (templates) o.templates = templates;
  if (out) o.out = out;
  return o;
}

/** Adds `--fc-enable`, `--fc-settings`, `--fc-partials`, `--fc-templates`, `--fc-out` to a command (check, build, run). */
export function addFlexibleConfigFlags(command: Command): Command {
  return command
    .option('--fc-enable', 'render the config as a Flexible Configuration template (as FC_ENABLE=1)')
    .option('--fc-settings <dir>', 'folder of JSON settings, each file is .<name> in the template (FC_SETTINGS; implies --fc-enable)')
    .option('--fc-partials <dir>', 'folder of files `include` inserts verbatim (FC_PARTIALS; implies --fc-enable)')
    .option('--fc-templates <dir>', 'folder of *.tmpl sub-templates for `template "name.tmpl"` (FC_TEMPLATES; implies --fc-enable)')
    .option('--fc-out <file>', 'write the rendered config here (FC_OUT; implies --fc-enable)');
}
