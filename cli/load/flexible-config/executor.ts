/**
 * Go text/template's executor over parsed trees: pipelines, variables and
 * their scopes, if/with/range (maps in key order, integers, else branches,
 * break/continue), template calls with a depth bound, and Go's error texts
 * (`executing "t" at <.a.b>: …`). Writes go to a RenderOutput that remembers
 * where each piece came from.
 */
import type { CommandNode, ListNode, Node, Operand, PipeNode, Template } from './ast.js';
import { FuncError, TemplateError } from './errors.js';
import type { FuncContext, FuncMap } from './functions.js';
import { goQuote } from '../../../runtime/encoding/go-quote.js';
import type { RenderOutput } from './output.js';
import { formatValue, GoFloat, isMap, sortedKeys, truth, typeName } from './values.js';

/** `{{template}}` calls nest at most this deep (Go allows 100000; a config needs a handful). */
export const MAX_TEMPLATE_DEPTH = 1000;

interface Variable {
  name: string;
  value: unknown;
}

interface State {
  tmpl: Template;
  vars: Variable[];
  depth: number;
}

class BreakSignal {}
class ContinueSignal {}

export class Executor {
  constructor(
    private readonly templates: Map<string, Template>,
    private readonly funcs: FuncMap,
    private readonly ctx: FuncContext & { partialFile(name: string): string },
    private readonly out: RenderOutput,
  ) {}

  execute(name: string, data: unknown): void {
    const tmpl = this.templates.get(name);
    if (!tmpl) throw new TemplateError(name, 0, `no template ${JSON.stringify(name)} associated with template`, 'exec');
    this.walkList({ tmpl, vars: [{ name: '$', value: data }], depth: 0 }, data, tmpl.root);
  }

  private fail(s: State, pos: number, at: string, message: string): never {
    throw new TemplateError(s.tmpl.file, pos, `executing ${JSON.stringify(s.tmpl.name)} at <${at}>: ${message}`, 'exec');
  }

  private walkList(s: State, dot: unknown, list: ListNode): void {
    for (const n of list.nodes) this.walk(s, dot, n);
  }

  private walk(s: State, dot: unknown, node: Node): void {
    switch (node.type) {
      case 'text':
        this.out.write(node.text, s.tmpl.file, node.pos, true);
        return;
      case 'action': {
        const v = this.evalPipe(s, dot, node.pipe);
        if (node.pipe.decl.length > 0) return;
        const text = formatValue(v, true);
        const inc = this.includeOnly(node.pipe);
        if (inc !== undefined) this.out.write(text, this.ctx.partialFile(inc), 0, true);
        else this.out.write(text, s.tmpl.file, node.pos, false);
        return;
      }
      case 'if':
      case 'with': {
        const mark = s.vars.length;
        const v = this.evalPipe(s, dot, node.pipe);
        if (truth(v)) this.walkList(s, node.type === 'with' ? v : dot, node.list);
        else if (node.elseList) this.walkList(s, dot, node.elseList);
        s.vars.length = mark;
        return;
      }
      case 'range':
        this.walkRange(s, dot, node);
        return;
      case 'template':
        this.walkTemplate(s, dot, node);
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  /** `{{ include "x" }}` alone: the output is the partial's bytes, so it maps linearly into the partial file. */
  private includeOnly(pipe: PipeNode): string | undefined {
    if (pipe.cmds.length !== 1) return undefined;
    const [f, a, ...rest] = pipe.cmds[0]!.args;
    if (f?.type === 'identifier' && f.name === 'include' && a?.type === 'string' && rest.length === 0) return a.value;
    return undefined;
  }

  private walkRange(s: State, dot: unknown, node: Extract<Node, { type: 'range' }>): void {
    const mark = s.vars.length;
    // The range's own variables take each element, not the ranged-over value.
    const v = this.evalPipe(s, dot, node.pipe, false);
    const iterations: [unknown, unknown][] = [];
    if (Array.isArray(v)) v.forEach((x, i) => iterations.push([i, x]));
    else if (isMap(v)) for (const k of sortedKeys(v)) iterations.push([k, v[k]]);
    else if (typeof v === 'number') {
      if (node.pipe.decl.length > 1) this.fail(s, node.pos, pipeString(node.pipe), `can't use ${v} to iterate over more than one variable`);
      for (let i = 0; i < v; i++) iterations.push([i, i]);
    } else if (v !== undefined && v !== null) this.fail(s, node.pos, pipeString(node.pipe), `range can't iterate over ${formatValue(v)}`);
    const [first, second] = node.pipe.decl;
    for (const [k, x] of iterations) {
      if (first !== undefined) {
        const one = typeof v === 'number' ? k : second === undefined ? x : k;
        this.setVar(s, first, one, !node.pipe.isAssign);
      }
      if (second !== undefined) this.setVar(s, second, x, !node.pipe.isAssign);
      try {
        this.walkList(s, x, node.list);
      } catch (e) {
        if (e instanceof BreakSignal) {
          s.vars.length = mark;
          break;
        }
        if (!(e instanceof ContinueSignal)) throw e;
      }
      s.vars.length = mark;
    }
    if (iterations.length === 0 && node.elseList) this.walkList(s, dot, node.elseList);
    s.vars.length = mark;
  }

  private walkTemplate(s: State, dot: unknown, node: Extract<Node, { type: 'template' }>): void {
    const at = `{{template ${goQuote(node.name)}${node.pipe ? ` ${pipeString(node.pipe)}` : ''}}}`;
    const tmpl = this.templates.get(node.name);
    if (!tmpl) this.fail(s, node.pos, at, `template ${JSON.stringify(node.name)} not defined`);
    if (s.depth + 1 > MAX_TEMPLATE_DEPTH) this.fail(s, node.pos, at, `exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`);
    const mark = s.vars.length;
    const newDot = node.pipe ? this.evalPipe(s, dot, node.pipe) : undefined;
    s.vars.length = mark;
    this.walkList({ tmpl, vars: [{ name: '$', value: newDot }], depth: s.depth + 1 }, newDot, tmpl.root);
  }

  private setVar(s: State, name: string, value: unknown, declare: boolean): void {
    if (declare) {
      s.vars.push({ name, value });
      return;
    }
    for (let i = s.vars.length - 1; i >= 0; i--) {
      if (s.vars[i]!.name === name) {
        s.vars[i]!.value = value;
        return;
      }
    }
  }

  private varValue(s: State, name: string, pos: number): unknown {
    for (let i = s.vars.length - 1; i >= 0; i--) if (s.vars[i]!.name === name) return s.vars[i]!.value;
    return this.fail(s, pos, name, `undefined variable: ${name}`);
  }

  private evalPipe(s: State, dot: unknown, pipe: PipeNode, declare = true): unknown {
    let value: unknown;
    let hasFinal = false;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(s, dot, cmd, hasFinal, value);
      hasFinal = true;
    }
    if (declare) for (const v of pipe.decl.slice(0, 1)) this.setVar(s, v, value, !pipe.isAssign);
    return value;
  }

  private evalCommand(s: State, dot: unknown, cmd: CommandNode, hasFinal: boolean, final: unknown): unknown {
    const [first, ...rest] = cmd.args;
    const f = first!;
    if (f.type === 'identifier') return this.evalFunction(s, dot, cmd, f.name, rest, hasFinal, final);
    const hasArgs = rest.length > 0 || hasFinal;
    switch (f.type) {
      case 'field':
      case 'variable':
      case 'chain': {
        const fields = f.fields;
        if (hasArgs && fields.length > 0) this.fail(s, f.pos, operandString(f), `${fields[fields.length - 1]} is not a method but has arguments`);
        if (hasArgs) this.fail(s, f.pos, operandString(f), `can't give argument to non-function ${operandString(f)}`);
        return this.evalOperand(s, dot, f);
      }
      case 'nil':
        return this.fail(s, f.pos, 'nil', 'nil is not a command');
      default:
        if (hasArgs) this.fail(s, f.pos, operandString(f), `can't give argument to non-function ${operandString(f)}`);
        return this.evalOperand(s, dot, f);
    }
  }

  private evalFunction(s: State, dot: unknown, cmd: CommandNode, name: string, argNodes: Operand[], hasFinal: boolean, final: unknown): unknown {
    const at = commandString(cmd);
    const def = this.funcs[name];
    if (!def) this.fail(s, cmd.pos, name, `${JSON.stringify(name)} is not a defined function`);
    const count = argNodes.length + (hasFinal ? 1 : 0);
    if (count < def.min || (def.max !== undefined && count > def.max)) {
      const want = def.max === def.min ? `${def.min}` : `at least ${def.min}`;
      this.fail(s, cmd.pos, at, `wrong number of args for ${name}: want ${want} got ${count}`);
    }
    if (name === 'and' || name === 'or') {
      // Short-circuit: stop at the first argument that decides the result (Go 1.18).
      let v: unknown;
      for (let i = 0; i < count; i++) {
        v = i < argNodes.length ? this.evalOperand(s, dot, argNodes[i]!) : final;
        if (truth(v) !== (name === 'and')) return v;
      }
      return v;
    }
    const args = argNodes.map((a) => this.evalOperand(s, dot, a));
    if (hasFinal) args.push(final);
    // Go converts each argument to the parameter's type: a float64 or a string is no int.
    for (const p of def.ints ?? []) {
      if (p < args.length && typeof args[p] !== 'number') this.fail(s, cmd.pos, at, `wrong type for value; expected int; got ${typeName(args[p])}`);
    }
    try {
      return def.fn(args, this.ctx);
    } catch (e) {
      if (e instanceof TemplateError) throw e;
      if (e instanceof FuncError || e instanceof Error) this.fail(s, cmd.pos, at, `error calling ${name}: ${e.message}`);
      throw e;
    }
  }

  private evalOperand(s: State, dot: unknown, op: Operand): unknown {
    switch (op.type) {
      case 'dot':
        return dot;
      case 'nil':
        // As an argument nil is the nil interface; as a command it was refused when parsed.
        return null;
      case 'number':
        return op.float ? new GoFloat(op.value) : op.value;
      case 'bool':
      case 'string':
        return op.value;
      case 'field':
        return this.evalFields(s, op, dot, op.fields);
      case 'variable':
        return this.evalFields(s, op, this.varValue(s, op.name, op.pos), op.fields);
      case 'chain':
        return this.evalFields(s, op, this.evalOperand(s, dot, op.node), op.fields);
      case 'pipe': {
        const mark = s.vars.length;
        const v = this.evalPipe(s, dot, op.pipe);
        s.vars.length = mark;
        return v;
      }
      case 'identifier':
        return this.evalFunction(s, dot, { pos: op.pos, args: [op] }, op.name, [], false, undefined);
    }
  }

  /** `.a.b.c` on a value: map keys; a missing key is "no value" (and stays so down the chain), nil is an error. */
  private evalFields(s: State, op: Operand, receiver: unknown, fields: string[]): unknown {
    let v = receiver;
    for (const name of fields) {
      if (v === undefined) return undefined;
      if (v === null) this.fail(s, op.pos, operandString(op), `nil pointer evaluating interface {}.${name}`);
      if (!isMap(v)) this.fail(s, op.pos, operandString(op), `can't evaluate field ${name} in type ${typeName(v)}`);
      v = Object.hasOwn(v, name) ? v[name] : undefined;
    }
    return v;
  }
}

function operandString(op: Operand): string {
  switch (op.type) {
    case 'identifier':
      return op.name;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return String(op.value);
    case 'number':
      return op.text;
    case 'string':
      return goQuote(op.value);
    case 'field':
      return op.fields.map((f) => `.${f}`).join('');
    case 'variable':
      return op.name + op.fields.map((f) => `.${f}`).join('');
    case 'chain':
      return operandString(op.node) + op.fields.map((f) => `.${f}`).join('');
    case 'pipe':
      return `(${pipeString(op.pipe)})`;
  }
}

function commandString(cmd: CommandNode): string {
  return cmd.args.map(operandString).join(' ');
}

function pipeString(pipe: PipeNode): string {
  const decl = pipe.decl.length > 0 ? `${pipe.decl.join(', ')} ${pipe.isAssign ? '=' : ':='} ` : '';
  return decl + pipe.cmds.map(commandString).join(' | ');
}
