import { diagnosticAt } from '../../diagnostics/make.js';
import { parseGoDuration } from '../../config/duration.js';
import { arr, backendBlocks, NS, obj, str } from '../../config/view.js';
import type { GatewayRule } from '../context.js';

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

/**
 * base_ha rules beyond the schema. The Go gateway silently falls back to plain
 * proxying on a bad block; hgw refuses it at check time instead.
 */
export const baseHaRule: GatewayRule = ({ doc, config, report }) => {
  const serviceHosts = arr(obj(config).host);
  for (const { backend: be, block, pointer: at } of backendBlocks(doc.value, NS.baseHa)) {
    const interval = str(block.leader_poll_interval);
    if (interval !== undefined) {
      const d = parseGoDuration(interval);
      if (d.ok && d.ms < 100) {
        report(diagnosticAt(doc, 'base-ha-poll-interval', `${at}/leader_poll_interval`, `leader_poll_interval ${JSON.stringify(interval)} is below the 100ms minimum`, {
          on: 'value', hint: 'Polling faster than every 100ms risks a retry storm against the cluster; the default is "1s".', suggestions: ['100ms', '1s'],
        }));
      }
    }
    const ttl = str(block.read_your_writes_ttl);
    if (ttl !== undefined) {
      const d = parseGoDuration(ttl);
      if (d.ok && d.ms < 0) {
        report(diagnosticAt(doc, 'base-ha-ttl-negative', `${at}/read_your_writes_ttl`, `read_your_writes_ttl ${JSON.stringify(ttl)} is negative`, {
          on: 'value', hint: 'Use "0s" to disable read-your-writes pinning, or a positive duration (default "5s").', suggestions: ['0s', '5s'],
        }));
      }
    }
    arr(block.write_methods).forEach((m, i) => {
      if (typeof m !== 'string') return;
      const norm = m.trim().toUpperCase();
      if (!HTTP_METHODS.has(norm)) {
        report(diagnosticAt(doc, 'base-ha-write-methods', `${at}/write_methods/${i}`, `write method ${JSON.stringify(m)} is not an HTTP method`, {
          on: 'value', hint: 'List methods such as "POST", "PUT", "PATCH", "DELETE".',
        }));
      }
    });
    const store = str(block.read_your_writes_store);
    if (store !== undefined) {
      let ok = false;
      try {
        const u = new URL(store);
        ok = (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
      } catch {
        ok = false;
      }
      if (!ok) {
        report(diagnosticAt(doc, 'base-ha-store', `${at}/read_your_writes_store`, `read_your_writes_store ${JSON.stringify(store)} is not a redis:// URL`, {
          on: 'value', hint: 'Write e.g. "redis://127.0.0.1:6379/0" (or rediss:// for TLS), or remove it to keep pins per gateway process.',
        }));
      }
    }
    // An empty host list falls back to the service's, as in Lura.
    const hosts = arr(be.value.host).length > 0 ? arr(be.value.host) : serviceHosts;
    if (hosts.length === 0) {
      report(diagnosticAt(doc, 'base-ha-host', be.pointer, 'a base_ha backend needs a host: reads go to its first host (the ClusterIP service)', {
        hint: 'Add "host": ["http://<service>.<ns>.svc.cluster.local:<port>"].',
      }));
    } else if (hosts.length > 1) {
      report(diagnosticAt(doc, 'base-ha-host', `${be.pointer}/host/1`, `a base_ha backend reads only through its first host; the other ${hosts.length - 1} are ignored`, {
        on: 'value', severity: 'warning', hint: 'Point host[0] at the ClusterIP service, which balances reads across replicas.',
      }));
    }
  }
};
