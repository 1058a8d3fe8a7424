/**
 * Go text/template's parser: tokens → trees. As in Go, functions and
 * variables are resolved at parse time (`function "x" not defined`,
 * `undefined variable "$y"`), `{{define}}` only appears at the top level and
 * `{{block}}` is a define plus a template call. Nesting is bounded.
 */
import type { CommandNode, ListNode, Node, Operand, PipeNode, Template } from './ast.js';
import { TemplateError } from './errors.js';
import { lex, type Token } from './lexer.js';
import { isFloatLiteral, numberValue, unquote } from './unquote.js';

/** Control structures and parentheses nest at most this deep: a template is config, not a program. */
export const MAX_PARSE_DEPTH = 100;

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

type Stop = 'end' | 'else' | 'eof';

/** Parses one file into its templates: the file's own (named `name`) and every `define`/`block` in it. */
export function parseTemplates(name: string, file: string, text: string, hasFunction: (name: string) => boolean): Template[] {
  return new Parser(name, file, text, hasFunction).parseFile();
}

class Parser {
  private readonly toks: Token[];
  private i = 0;
  private vars: string[][] = [['$']];
  private rangeDepth = 0;
  private depth = 0;
  private readonly defined: Template[] = [];

  constructor(
    private readonly name: string,
    private readonly file: string,
    private readonly text: string,
    private readonly hasFunction: (name: string) => boolean,
  ) {
    this.toks = lex(file, text);
  }

  parseFile(): Template[] {
    const { list, stop, at } = this.list(true);
    if (stop !== 'eof') this.fail(at, `unexpected {{${stop}}}`);
    return [{ name: this.name, file: this.file, text: this.text, root: list }, ...this.defined];
  }

  private fail(pos: number, message: string): never {
    throw new TemplateError(this.file, pos, message);
  }

  private peek(): Token {
    return this.toks[this.i]!;
  }
  private next(): Token {
    return this.toks[this.i++]!;
  }
  private peekNonSpace(): Token {
    while (this.peek().kind === 'space') this.i++;
    return this.peek();
  }
  private nextNonSpace(): Token {
    this.peekNonSpace();
    return this.next();
  }

  /** Items until `{{end}}`, `{{else…}}` or end of input; the stop token is consumed (its action's rest is not). */
  private list(top: boolean): { list: ListNode; stop: Stop; at: number } {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === 'eof') return { list: { nodes }, stop: 'eof', at: t.pos };
      if (t.kind === 'text') {
        nodes.push({ type: 'text', pos: t.pos, text: t.value });
        continue;
      }
      // t is `{{`
      const k = this.peekNonSpace();
      if (k.kind === 'ident' && KEYWORDS.has(k.value)) {
        this.next();
        switch (k.value) {
          case 'end':
            this.expectRight('end');
            return { list: { nodes }, stop: 'end', at: t.pos };
          case 'else':
            return { list: { nodes }, stop: 'else', at: t.pos };
          case 'if':
          case 'with':
          case 'range':
            nodes.push(this.branch(k.value, t.pos));
            break;
          case 'template':
            nodes.push(this.templateCall(t.pos));
            break;
          case 'block':
            nodes.push(this.block(t.pos));
            break;
          case 'define':
            if (!top) this.fail(t.pos, 'unexpected {{define}}');
            this.define(t.pos);
            break;
          case 'break':
          case 'continue':
            if (this.rangeDepth === 0) this.fail(t.pos, `{{${k.value}}} outside {{range}}`);
            this.expectRight(k.value);
            nodes.push({ type: k.value, pos: t.pos });
            break;
        }
        continue;
      }
      nodes.push({ type: 'action', pos: t.pos, pipe: this.pipeline('command', false) });
    }
  }

  private expectRight(context: string): void {
    const t = this.nextNonSpace();
    if (t.kind !== 'right') this.fail(t.pos, `unexpected ${describe(t)} in ${context}`);
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_PARSE_DEPTH) this.fail(pos, `nesting deeper than ${MAX_PARSE_DEPTH} levels`);
  }

  private branch(kind: 'if' | 'with' | 'range', pos: number, scoped = true): Node {
    this.enter(pos);
    if (scoped) this.vars.push([]);
    const pipe = this.pipeline(kind, kind === 'range');
    if (kind === 'range') this.rangeDepth++;
    let { list, stop, at } = this.list(false);
    if (kind === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (stop === 'else') {
      const after = this.peekNonSpace();
      // `{{else if …}}` / `{{else with …}}`: one nested branch that shares this one's {{end}}.
      if (after.kind === 'ident' && (after.value === 'if' || after.value === 'with') && kind !== 'range') {
        this.next();
        elseList = { nodes: [this.branch(after.value, after.pos, false)] };
        stop = 'end';
      } else {
        this.expectRight('else');
        const e = this.list(false);
        elseList = e.list;
        stop = e.stop;
        at = e.at;
        if (stop === 'else') this.fail(at, 'expected end; found {{else}}');
      }
    }
    if (stop === 'eof') this.fail(pos, `unexpected EOF`);
    if (scoped) this.vars.pop();
    this.depth--;
    return { type: kind, pos, pipe, list, ...(elseList ? { elseList } : {}) };
  }

  private templateName(context: string): { name: string; pos: number } {
    const t = this.nextNonSpace();
    if (t.kind !== 'string') this.fail(t.pos, `unexpected ${describe(t)} in ${context} clause`);
    return { name: this.unquote(t), pos: t.pos };
  }

  private templateCall(pos: number): Node {
    const { name } = this.templateName('template');
    const t = this.peekNonSpace();
    if (t.kind === 'right') {
      this.next();
      return { type: 'template', pos, name };
    }
    return { type: 'template', pos, name, pipe: this.pipeline('template', false) };
  }

  private define(pos: number): void {
    const { name } = this.templateName('define');
    this.expectRight('define');
    const saved = this.vars;
    this.vars = [['$']];
    const { list, stop } = this.list(false);
    this.vars = saved;
    if (stop !== 'end') this.fail(pos, stop === 'eof' ? 'unexpected EOF' : 'unexpected {{else}} in define');
    this.defined.push({ name, file: this.file, text: this.text, root: list });
  }

  private block(pos: number): Node {
    const { name } = this.templateName('block');
    const pipe = this.pipeline('block', false);
    const saved = this.vars;
    this.vars = [['$']];
    const { list, stop } = this.list(false);
    this.vars = saved;
    if (stop !== 'end') this.fail(pos, stop === 'eof' ? 'unexpected EOF' : 'unexpected {{else}} in block');
    this.defined.push({ name, file: this.file, text: this.text, root: list });
    return { type: 'template', pos, name, pipe };
  }

  /** A pipeline up to `}}` (or `)` when inside parentheses), with its optional `$x :=` / `$x, $y :=` / `$x =`. */
  private pipeline(context: string, allowTwo: boolean, inParens = false): PipeNode {
    const start = this.peekNonSpace();
    const decl: string[] = [];
    let isAssign = false;
    if (start.kind === 'variable') {
      const save = this.i;
      this.next();
      const t = this.peekNonSpace();
      if (t.kind === 'declare' || t.kind === 'assign') {
        this.next();
        decl.push(start.value);
        isAssign = t.kind === 'assign';
      } else if (t.kind === 'comma' && allowTwo) {
        this.next();
        const v2 = this.nextNonSpace();
        if (v2.kind !== 'variable') this.fail(v2.pos, `range can only initialize variables`);
        const d = this.nextNonSpace();
        if (d.kind !== 'declare' && d.kind !== 'assign') this.fail(d.pos, `expected := or = in range`);
        decl.push(start.value, v2.value);
        isAssign = d.kind === 'assign';
      } else this.i = save;
    }
    const cmds: CommandNode[] = [];
    for (;;) {
      const t = this.peekNonSpace();
      if (t.kind === 'right' || t.kind === 'rparen') {
        if (inParens !== (t.kind === 'rparen')) this.fail(t.pos, `unexpected ${describe(t)} in ${context}`);
        this.next();
        break;
      }
      if (t.kind === 'eof') this.fail(t.pos, `unclosed action`);
      cmds.push(this.command());
    }
    if (cmds.length === 0) this.fail(start.pos, `missing value for ${context}`);
    for (const [n, c] of cmds.entries()) {
      const a = c.args[0]!;
      if (n > 0 && ['bool', 'dot', 'nil', 'number', 'string'].includes(a.type)) this.fail(a.pos, `non executable command in pipeline stage ${n + 1}`);
      if (a.type === 'nil' && c.args.length === 1) this.fail(a.pos, 'nil is not a command');
    }
    // Declared after the pipeline is read: `$x := $x` refers to the outer $x.
    for (const v of decl) {
      if (isAssign) this.lookupVar(v, start.pos);
      else this.vars[this.vars.length - 1]!.push(v);
    }
    return { pos: start.pos, decl, isAssign, cmds };
  }

  private command(): CommandNode {
    const first = this.peekNonSpace();
    const args: Operand[] = [];
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (!op) {
        const t = this.peek();
        this.fail(t.pos, `unexpected ${describe(t)} in operand`);
      }
      args.push(op);
      const t = this.peek();
      if (t.kind === 'space') {
        const n = this.peekNonSpace();
        if (n.kind === 'right' || n.kind === 'rparen') break;
        if (n.kind === 'pipe') {
          this.next();
          break;
        }
        continue;
      }
      if (t.kind === 'right' || t.kind === 'rparen') break;
      if (t.kind === 'pipe') {
        this.next();
        break;
      }
      this.fail(t.pos, `unexpected ${describe(t)} in operand`);
    }
    return { pos: first.pos, args };
  }

  private operand(): Operand | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().kind !== 'field') return node;
    const fields: string[] = [];
    while (this.peek().kind === 'field') fields.push(this.next().value.slice(1));
    switch (node.type) {
      case 'field':
        return { ...node, fields: [...node.fields, ...fields] };
      case 'variable':
        return { ...node, fields: [...node.fields, ...fields] };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(node.pos, `unexpected . after term ${JSON.stringify(this.text.slice(node.pos, this.peek().pos))}`);
      // eslint-disable-next-line no-fallthrough
      default:
        return { type: 'chain', pos: node.pos, node, fields };
    }
  }

  private term(): Operand | undefined {
    const t = this.next();
    switch (t.kind) {
      case 'ident':
        if (t.value === 'true' || t.value === 'false') return { type: 'bool', pos: t.pos, value: t.value === 'true' };
        if (t.value === 'nil') return { type: 'nil', pos: t.pos };
        if (KEYWORDS.has(t.value)) this.fail(t.pos, `unexpected <${t.value}> in operand`);
        if (!this.hasFunction(t.value)) this.fail(t.pos, `function ${JSON.stringify(t.value)} not defined`);
        return { type: 'identifier', pos: t.pos, name: t.value };
      case 'dot':
        return { type: 'dot', pos: t.pos };
      case 'variable':
        this.lookupVar(t.value, t.pos);
        return { type: 'variable', pos: t.pos, name: t.value, fields: [] };
      case 'field':
        return { type: 'field', pos: t.pos, fields: [t.value.slice(1)] };
      case 'number':
      case 'char':
        try {
          return { type: 'number', pos: t.pos, value: numberValue(t.value), float: isFloatLiteral(t.value), text: t.value };
        } catch (e) {
          this.fail(t.pos, (e as Error).message);
        }
      // eslint-disable-next-line no-fallthrough
      case 'string':
        return { type: 'string', pos: t.pos, value: this.unquote(t) };
      case 'lparen': {
        this.enter(t.pos);
        const pipe = this.pipeline('parenthesized pipeline', false, true);
        this.depth--;
        return { type: 'pipe', pos: t.pos, pipe };
      }
      default:
        this.i--;
        return undefined;
    }
  }

  private unquote(t: Token): string {
    try {
      return unquote(t.value);
    } catch (e) {
      this.fail(t.pos, (e as Error).message);
    }
  }

  private lookupVar(name: string, pos: number): void {
    for (const scope of this.vars) if (scope.includes(name)) return;
    this.fail(pos, `undefined variable ${JSON.stringify(name)}`);
  }
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'right':
      return '"}}"';
    case 'eof':
      return 'EOF';
    case 'rparen':
      return '")"';
    default:
      return `<${t.value}>`;
  }
}
