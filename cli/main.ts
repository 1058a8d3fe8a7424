import { Command, CommanderError, Option } from 'commander';
import type { Io } from './commands/check.js';
import { EXIT } from './commands/exit-codes.js';
import { collect, DEFAULT_BRAND } from './commands/option-defaults.js';
import { isHgwError } from './errors.js';
import { hgwBugsUrl, hgwVersion } from './version.js';
import { addFlexibleConfigFlags } from './load/flexible-config/options.js';

// Each command loads its own modules when it runs (dynamic import): `hgw --version`
// needs none of them, `check` no code generator or bundler (ts-morph, esbuild).

/** Builds the `hgw` command line; `io` is injectable so tests can run it in-process. */
export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('hgw')
    .description('hgw — the Hanzo gateway compiler: check, build and run KrakenD-v3-style gateway configs')
    .version(hgwVersion(), '-v, --version')
    .showHelpAfterError('(run hgw --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program
    .command('check')
    .alias('validate')
    .description('Validate gateway.json (and routes.yaml / ingress.json): schema, semantic lint, route table')
    .argument('[config]', 'gateway config file (JSON, or YAML by extension)')
    .option('-c, --config <file>', 'gateway config file (KrakenD-compatible spelling)')
    .option('--routes <file>', 'host-routing routes.yaml to check with it')
    .option('--ingress <file>', 'ingress.json to check with it')
    .option('--profile <profile>', 'hanzo (default: the Go Hanzo gateway\'s engine) or krakend (plain KrakenD CE); wins over the config\'s own')
    .addOption(new Option('-f, --format <format>', 'output: pretty | compact | json | sarif | github (default pretty; github when GITHUB_ACTIONS=true)'))
    .option('--fail-on <severity>', 'exit 1 when a finding is at least this severe: error | warning | info | none', 'error')
    .option('-d, --debug', 'dump the interpreted config (the Plan, every default applied); repeatable', (_v: string, prev: number) => prev + 1, 0)
    .option('-i, --indent <string>', 'indentation of the -d dump', '\t')
    .option('-t, --test-gin-routes', 'build the route table and list it (conflicts are always reported)')
    .option('-l, --lint', 'strict schema lint as KrakenD\'s: unknown keys and namespaces are errors')
    .option('-q, --quiet', 'print only findings')
    .option('--no-color', 'disable colors (NO_COLOR is honoured too)')
    .action(async (config: string | undefined, opts) => {
      const { runCheck } = await import('./commands/check.js');
      setExit(runCheck(config, opts, io));
    });

  program
    .command('build')
    .description('Check the config, then compile it into a tree-shaken proxy bundle: <out>/gateway.mjs, its source map, entry.ts and manifest.json')
    .argument('[config]', 'gateway config file')
    .option('-c, --config <file>', 'gateway config file (KrakenD-compatible spelling)')
    .option('--routes <file>', 'host-routing routes.yaml to build in')
    .option('--ingress <file>', 'build an ingress.json instead: the bundle is the host-based ingress proxy')
    .option('--profile <profile>', 'hanzo (default: the Go Hanzo gateway\'s engine) or krakend (plain KrakenD CE); wins over the config\'s own')
    .option('--relay', 'build the HIP-0110 ZAP relay instead (no config; settings from the environment)')
    .option('-o, --out <dir>', 'output folder (replaced atomically)', 'dist')
    .option('--brand <name>', 'brand in X-Powered-By and the backend User-Agent', DEFAULT_BRAND)
    .option('--brand-version <version>', 'version reported after the brand (default: hgw\'s own)')
    .option('--host-map <from=to>', 'send a backend host to another URL, e.g. http://api.svc:8000=http://127.0.0.1:9000; * maps all (repeatable)', collect)
    .option('--no-minify', 'keep the bundle readable')
    .option('--k8s', 'also write k8s/gateway.yaml (Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler, routes ConfigMap) and a Dockerfile')
    .option('--k8s-image <ref>', 'container image in the Deployment (default <name>:latest)')
    .option('--k8s-replicas <n>', 'replicas, and the autoscaler\'s minimum (default 2)')
    .option('--k8s-name <name>', 'name of the Kubernetes objects (default the config\'s name, else gateway)')
    .addOption(new Option('-f, --format <format>', 'format of findings: pretty | compact | json | sarif | github'))
    .option('-q, --quiet', 'print only errors among the findings')
    .option('--no-color', 'disable colors')
    .action(async (config: string | undefined, opts) => {
      const { runBuild } = await import('./commands/build.js');
      setExit(await runBuild(config, opts, io));
    });

  program
    .command('run')
    .description('Build the config into a temporary folder and serve it (SIGHUP reloads without dropping requests; SIGTERM/SIGINT drain and exit 0)')
    .argument('[config]', 'gateway config file')
    .option('-c, --config <file>', 'gateway config file')
    .option('--routes <file>', 'host-routing routes.yaml')
    .option('--ingress <file>', 'serve an ingress.json instead of a gateway config')
    .option('--profile <profile>', 'hanzo (default: the Go Hanzo gateway\'s engine) or krakend (plain KrakenD CE); wins over the config\'s own')
    .option('-d, --debug', 'enable the debug endpoints (repeatable)', (_v: string, prev: number) => prev + 1, 0)
    .option('-p, --port <port>', 'listen on this port instead of the config\'s')
    .option('--brand <name>', 'brand in X-Powered-By and the backend User-Agent', DEFAULT_BRAND)
    .option('--brand-version <version>', 'version reported after the brand (default: hgw\'s own)')
    .option('--host-map <from=to>', 'send a backend host to another URL; * maps all (repeatable; HGW_HOST_MAP too)', collect)
    .option('--watch', 'reload without dropping requests when the config or routes.yaml changes (SIGHUP reloads too)')
    .addOption(new Option('-f, --format <format>', 'format of findings: pretty | compact | json | sarif | github'))
    .option('-q, --quiet', 'print only errors among the findings')
    .option('--no-color', 'disable colors')
    .action(async (config: string | undefined, opts) => {
      const { runRun } = await import('./commands/run.js');
      setExit(await runRun(config, opts, io));
    });

  program
    .command('integration')
    .description('Run KrakenD-style spec files ({"in":…,"out":…}) against the config, built and started here with a mock backend; exit 1 on any failure')
    .argument('[config]', 'gateway config file')
    .option('-c, --config <file>', 'gateway config file')
    .option('--routes <file>', 'host-routing routes.yaml')
    .requiredOption('--specs <dir>', 'folder of spec files (*.json, KrakenD\'s e2e.json schema), or one file')
    .option('--profile <profile>', 'hanzo (default) or krakend (KrakenD CE\'s own specs need it); wins over the config\'s own')
    .option('--gateway-url <url>', 'test this running gateway instead of building one (no config)')
    .option('--backend-port <port>', 'port the config\'s backends name for the mock backend (default 8081)')
    .option('--fixed-ports', 'listen on the config\'s port and --backend-port instead of free ports (specs that echo the ports need it)')
    .option('--host-map <from=to>', 'send a backend host to another URL (repeatable)', collect)
    .option('--brand <name>', 'brand in X-Powered-By and the backend User-Agent', DEFAULT_BRAND)
    .option('--brand-version <version>', 'version reported after the brand (default: hgw\'s own)')
    .addOption(new Option('-f, --format <format>', 'results: pretty | json | junit').default('pretty'))
    .option('--no-color', 'disable colors')
    .action(async (config: string | undefined, opts) => {
      const { runIntegrationCommand } = await import('./commands/integration.js');
      setExit(await runIntegrationCommand(config, opts, io));
    });

  program
    .command('test-plugin')
    .description('Tests that one or more plugins are loadable into Gateway (JS/TS plugin modules; e.g. hgw test-plugin -scm ./plugins/my-plugin.ts)')
    .argument('[files...]', 'plugin modules (.js, .mjs, .cjs, .ts, .mts, .cts)')
    .option('-s, --server', 'check server (http-server) plugins')
    .option('-c, --client', 'check client (http-client) plugins')
    .option('-m, --modifier', 'check request/response modifier plugins')
    .addOption(new Option('--worker-thread', 'internal').hideHelp())
    .action(async (files: string[], opts) => {
      const { runTestPlugin } = await import('./commands/test-plugin.js');
      // This module is lib/hgw.mjs when bundled: the script a plugin worker thread runs.
      setExit(await runTestPlugin(files, opts, io, import.meta.url));
    });

  program
    .command('rules')
    .description('List every rule id hgw check reports, with its severity and meaning')
    .option('--markdown', 'print docs/rules.md')
    .action(async (opts: { markdown?: boolean }) => {
      const [{ RULE_REGISTRY }, { renderRulesMarkdown }] = await Promise.all([import('./diagnostics/rules.js'), import('./diagnostics/rules-doc.js')]);
      if (opts.markdown) {
        io.stdout.write(renderRulesMarkdown());
        return;
      }
      for (const [id, r] of Object.entries(RULE_REGISTRY)) io.stdout.write(`${id.padEnd(28)} ${r.severity.padEnd(8)} ${r.doc}\n`);
    });

  program
    .command('version')
    .description('Print the hgw version')
    .action(() => {
      io.stdout.write(`hgw Version: ${hgwVersion()}\nNode Version: ${process.version}\n`);
    });

  // KrakenD's Flexible Configuration, on every command that reads a gateway config.
  for (const c of program.commands) if (['check', 'build', 'run'].includes(c.name())) addFlexibleConfigFlags(c);

  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 findings, 2 usage or unreadable input, 3 internal error. */
export async function main(argv: string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.input;
    }
    if (isHgwError(e, 'HGW_USAGE')) {
      io.stderr.write(`hgw: ${e.message}\n`);
      return EXIT.input;
    }
    if (isHgwError(e, 'HGW_UNSUPPORTED') || isHgwError(e, 'HGW_BUILD_FAILED')) {
      io.stderr.write(`hgw: ${e.message}\n`);
      return EXIT.findings;
    }
    if (isHgwError(e, 'HGW_INPUT_UNREADABLE') || isHgwError(e, 'HGW_INPUT_MALFORMED')) {
      io.stderr.write(`hgw: ${e.message}\n`);
      return EXIT.input;
    }
    const err = e as Error;
    const where = hgwBugsUrl() ? ` at ${hgwBugsUrl()}` : '';
    io.stderr.write(`hgw: internal error: ${err?.message ?? String(e)}\nThis is a bug in hgw ${hgwVersion()}; please report it${where} with the input that triggered it (HGW_DEBUG=1 prints the stack).\n`);
    if (io.env.HGW_DEBUG) io.stderr.write(`${err?.stack ?? ''}\n`);
    return EXIT.internal;
  }
}
