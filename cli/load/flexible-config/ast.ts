/**
 * The parse tree of a template, as Go's text/template/parse shapes it: a list
 * of text and actions, control structures holding lists, pipelines of
 * commands, commands of operands. `pos` is the offset in the template's file.
 */
export type Node = TextNode | ActionNode | IfNode | RangeNode | WithNode | TemplateNode | BreakNode | ContinueNode;

export interface ListNode {
  nodes: Node[];
}

export interface TextNode {
  type: 'text';
  pos: number;
  text: string;
}

export interface ActionNode {
  type: 'action';
  pos: number;
  pipe: PipeNode;
}

/** `if`, `with` and `range` share a shape; `else if` is an `if` alone in the else list. */
interface BranchShape {
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList?: ListNode;
}
export interface IfNode extends BranchShape {
  type: 'if';
}
export interface WithNode extends BranchShape {
  type: 'with';
}
export interface RangeNode extends BranchShape {
  type: 'range';
}

export interface TemplateNode {
  type: 'template';
  pos: number;
  name: string;
  pipe?: PipeNode;
}

export interface BreakNode {
  type: 'break';
  pos: number;
}
export interface ContinueNode {
  type: 'continue';
  pos: number;
}

export interface PipeNode {
  pos: number;
  /** `$x := …` or `$x = …`: the variables named. */
  decl: string[];
  isAssign: boolean;
  cmds: CommandNode[];
}

export interface CommandNode {
  pos: number;
  args: Operand[];
}

export type Operand =
  | { type: 'identifier'; pos: number; name: string }
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'bool'; pos: number; value: boolean }
  /** `float`: a float64 literal (`1.5`, `1e3`); otherwise a Go int (`3`, `0x1F`, `'a'`). */
  | { type: 'number'; pos: number; value: number; float: boolean; text: string }
  | { type: 'string'; pos: number; value: string }
  /** `.a.b` (receiver dot), `$x.a.b`, `(pipe).a.b`. */
  | { type: 'field'; pos: number; fields: string[] }
  | { type: 'variable'; pos: number; name: string; fields: string[] }
  | { type: 'chain'; pos: number; node: Operand; fields: string[] }
  | { type: 'pipe'; pos: number; pipe: PipeNode };

/** A parsed template: its name, the file it came from, and its body. */
export interface Template {
  name: string;
  file: string;
  text: string;
  root: ListNode;
}
