import { diagnosticAt } from '../../diagnostics/make.js';
import { arr, backendBlocks, NS, obj, str } from '../../config/view.js';
import type { GatewayRule } from '../context.js';

/** RFC 7230 token characters for a header name; cookie names exclude separators and whitespace. */
const SOURCE = /^(jwt\.sub|jwt\.owner|header:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|cookie:[^\s;=,"]+)$/;

export const baseNetworkRule: GatewayRule = ({ doc, config, report }) => {
  const serviceHosts = arr(obj(config).host);
  for (const { backend: be, block, pointer: at } of backendBlocks(doc.value, NS.baseNetwork)) {
    const source = str(block.shard_key_source);
    if (source !== undefined) {
      if (!SOURCE.test(source)) {
        const hint = source.startsWith('jwt.')
          ? 'Only jwt.sub (X-User-Id) and jwt.owner (X-Org-Id) are minted by the auth middleware; other claims are not available.'
          : /^(header|cookie)\s*:?\s*$/i.test(source) || /^(Header|Cookie|HEADER|COOKIE):/.test(source)
            ? 'The prefixes are lower case and need a name: "header:X-Shard" or "cookie:sid".'
            : 'Use jwt.sub, jwt.owner, header:<Name> or cookie:<name>.';
        report(diagnosticAt(doc, 'base-network-shard-source', `${at}/shard_key_source`, `shard_key_source ${JSON.stringify(source)} is not a supported source`, {
          on: 'value', hint, suggestions: ['jwt.sub', 'jwt.owner'],
        }));
      } else if (source.startsWith('header:')) {
        report(diagnosticAt(doc, 'base-network-header-source', `${at}/shard_key_source`, `shard key from client header ${source.slice(7)} can be set to anything by the caller`, {
          on: 'value', hint: 'If shards hold tenant data, key them by a verified identity: jwt.sub or jwt.owner.',
        }));
      }
    }
    const template = str(block.member_url_template);
    if (template !== undefined && (!template.includes('{id}') || !/^https?:\/\//.test(template))) {
      report(diagnosticAt(doc, 'base-network-member-template', `${at}/member_url_template`, `member_url_template ${JSON.stringify(template)} must be an http(s) URL containing {id}`, {
        on: 'value', hint: 'The default is "http://{id}.{service}:{port}": the pod id under the headless service of host[0].', suggestions: ['http://{id}.{service}:{port}'],
      }));
    }
    // An empty host list falls back to the service's, as in Lura.
    const hosts = arr(be.value.host).length > 0 ? arr(be.value.host) : serviceHosts;
    const first = hosts[0];
    if (typeof first !== 'string' || !/^https?:\/\/[^/]+/.test(first)) {
      report(diagnosticAt(doc, 'base-network-host', hosts.length ? `${be.pointer}/host/0` : be.pointer,
        first === undefined ? 'a base-network backend needs a host: its members are polled at {host[0]}/-/base/members'
          : `base-network host ${JSON.stringify(first)} must be a URL with scheme`, {
          on: hosts.length ? 'value' : 'key', hint: 'Write the headless service URL, e.g. "http://svc-hs.ns.svc:8090".',
        }));
    }
  }
};
