/**
 * Where GELF messages go: UDP datagrams (gelf-udp.ts) or a TCP stream
 * (gelf-tcp.ts). A transport bounds what it holds — about 1 MiB waiting for
 * the collector — drops past that and says so once per episode, and never
 * throws into the line being logged: the gateway serves on whatever the
 * collector does.
 */
export interface GelfTransport {
  /** One message, JSON without its framing. */
  send(payload: Buffer): void;
  /** Sends what it can, stops reconnecting; it keeps no process alive. */
  close(): void;
}

/** What a transport holds at most while its collector is slow or away. */
export const GELF_BUFFER_BYTES = 1 << 20;

/** Says a drop once until the next success: a collector that is down must not turn every line into a warning. */
export function dropReporter(report: (line: string) => void, what: string): { dropped(): void; delivered(): void } {
  let dropping = false;
  return {
    dropped() {
      if (dropping) return;
      dropping = true;
      report(`gelf: ${what}; dropping lines until it catches up`);
    },
    delivered() {
      dropping = false;
    },
  };
}
