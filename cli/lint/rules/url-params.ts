import { diagnosticAt } from '../../diagnostics/make.js';
import { didYouMean } from '../../diagnostics/did-you-mean.js';
import { bool, backends, endpoints, extraConfig, obj, str } from '../../config/view.js';
import { endpointParams, isJwtParam, isSequentialParam, urlPatternParams } from '../../config/endpoint-path.js';
import type { GatewayRule } from '../context.js';

/** Every {param} a backend uses must come from the endpoint path (Lura's "undefined output param"). */
export const urlParamsRule: GatewayRule = ({ doc, config, report }) => {
  const disableRest = bool(obj(config).disable_rest);
  for (const ep of endpoints(doc.value)) {
    const path = str(ep.value.endpoint);
    if (path === undefined) continue;
    const inputs = endpointParams(path, disableRest);
    const inputSet = new Set(inputs);
    const sequential = bool(obj(extraConfig(ep.value).proxy).sequential);
    for (const be of backends(ep)) {
      const pattern = str(be.value.url_pattern);
      if (pattern === undefined) continue;
      const at = `${be.pointer}/url_pattern`;
      const distinct = new Set<string>();
      const undefinedParams: string[] = [];
      for (const p of urlPatternParams(pattern)) {
        if (isJwtParam(p)) continue;
        if (isSequentialParam(p)) {
          const n = Number(/^resp(\d+)/.exec(p)![1]);
          if (!sequential) {
            report(diagnosticAt(doc, 'sequential-param-order', at, `{${p}} needs a sequential proxy, but this endpoint runs its backends in parallel`, {
              on: 'value', hint: 'Add "extra_config": {"proxy": {"sequential": true}} to the endpoint.',
            }));
          } else if (n >= be.index) {
            report(diagnosticAt(doc, 'sequential-param-order', at, `{${p}} refers to backend ${n}, which has not run yet when backend ${be.index} is called`, {
              on: 'value', hint: `Only responses of backends 0..${be.index - 1} are available here.`,
            }));
          }
          continue;
        }
        distinct.add(p);
        if (!inputSet.has(p) && !undefinedParams.includes(p)) undefinedParams.push(p);
      }
      const method = str(ep.value.method)?.toUpperCase() ?? 'GET';
      // Lura checks the counts first and reports only that; its uniqueOutput never counts
      // the last distinct name, so one extra param still reads as "undefined output param".
      if (distinct.size - 1 > inputs.length) {
        report(diagnosticAt(doc, 'url-params-mismatch', at, `input and output params do not match. endpoint: ${method} ${path}, backend: ${be.index}. input: [${inputs.join(' ')}], output: [${[...distinct].join(' ')}]`, {
          on: 'value',
          hint: `The url_pattern uses ${distinct.size} parameter(s) but the endpoint declares ${inputs.length}; ${undefinedParams.map((x) => `{${x}}`).join(', ')} ${undefinedParams.length === 1 ? 'is' : 'are'} not in the endpoint path.`,
        }));
        continue;
      }
      for (const p of undefinedParams) {
        const suggestions = didYouMean(p, inputs);
        report(diagnosticAt(doc, 'url-param-undefined', at, `undefined output param '${p}'! endpoint: ${method} ${path}, backend: ${be.index}. input: [${inputs.join(' ')}], output: [${p}]`, {
          on: 'value',
          suggestions,
          hint: suggestions.length
            ? `Did you mean {${suggestions[0]}}? Parameter names are case-sensitive.`
            : `Declare it in the endpoint path (e.g. "${path.replace(/\/$/, '')}/{${p}}") or remove it from the url_pattern.`,
        }));
      }
    }
  }
};
