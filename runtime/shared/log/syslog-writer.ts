/**
 * `telemetry/logging` `syslog: true`: lines to the local syslog with the
 * configured facility (default `local3`, as KrakenD) and a severity per level.
 * Node cannot open the datagram socket syslog listens on, so one long-lived
 * `logger --prio-prefix` (util-linux) takes the lines on its stdin, each led
 * by its `<priority>`. Bounded: past 1 MiB waiting in the pipe, lines are
 * dropped and counted; a logger that cannot start or dies is reported once
 * on standard output and syslog stops (the gateway keeps serving).
 */
import { spawn } from 'node:child_process';
import type { LogLevel } from './logger.js';
import { SYSLOG_SEVERITY } from './syslog-severity.js';

export type SyslogWrite = ((level: LogLevel, line: string) => void) & { close(): void };

const FACILITIES: Record<string, number> = { local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23 };
const PIPE_LIMIT_BYTES = 1 << 20;

export function syslogWriter(tag: string, facility: string | undefined, socket: string | undefined, report: (line: string) => void): SyslogWrite {
  const base = (FACILITIES[facility ?? 'local3'] ?? FACILITIES.local3!) * 8;
  const args = ['--prio-prefix', '-t', tag, ...(socket ? ['-u', socket] : [])];
  let alive = true;
  let dropped = 0;
  const child = spawn('logger', args, { stdio: ['pipe', 'ignore', 'ignore'] });
  const fail = (why: string) => {
    if (!alive) return;
    alive = false;
    report(`[GATEWAY] syslog: ${why}; lines go to standard output only\n`);
  };
  child.on('error', (e) => fail(`cannot run logger(1): ${e.message}`));
  child.on('exit', (code) => fail(`logger(1) exited (${code})`));
  child.stdin.on('error', () => fail('the pipe to logger(1) broke'));
  // The logger child must not keep a finished gateway alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  const write = (level: LogLevel, line: string) => {
    if (!alive) return;
    if (child.stdin.writableLength > PIPE_LIMIT_BYTES) {
      if (dropped++ === 0) report(`[GATEWAY] syslog: logger(1) is not keeping up; dropping lines\n`);
      return;
    }
    dropped = 0;
    child.stdin.write(`<${base + SYSLOG_SEVERITY[level]}>${line.endsWith('\n') ? line : `${line}\n`}`);
  };
  return Object.assign(write, {
    close() {
      alive = false;
      child.stdin.end(); // logger(1) sends what it has and exits
    },
  });
}
