/**
 * The rendered text and where each piece of it came from: a segment per
 * write, either linear (template text and included partials: byte i of the
 * output is byte i of the source) or pinned to the action that produced it.
 * The output is bounded; past the bound rendering stops with an error.
 */
import { TemplateError } from './errors.js';

/** Rendered output at most this many UTF-16 code units (32 Mi): a gateway config is a few hundred KB. */
export const MAX_OUTPUT = 32 * 1024 * 1024;

export interface Segment {
  /** Offset in the output where the segment starts. */
  out: number;
  file: string;
  /** Offset in `file` of the text or action. */
  src: number;
  linear: boolean;
}

export interface SourcePlace {
  file: string;
  offset: number;
}

export class RenderOutput {
  private readonly parts: string[] = [];
  private length = 0;
  readonly segments: Segment[] = [];

  constructor(private readonly limit = MAX_OUTPUT) {}

  write(text: string, file: string, src: number, linear: boolean): void {
    if (text === '') return;
    if (this.length + text.length > this.limit) {
      throw new TemplateError(file, src, `rendered output exceeds ${this.limit} characters (the bound on a rendered config)`, 'limit');
    }
    this.segments.push({ out: this.length, file, src, linear });
    this.parts.push(text);
    this.length += text.length;
  }

  text(): string {
    return this.parts.join('');
  }

  /** The template place that produced output offset `offset` (the last segment for offsets at the very end). */
  locate(offset: number): SourcePlace | undefined {
    const segs = this.segments;
    if (segs.length === 0) return undefined;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.out <= offset) lo = mid;
      else hi = mid - 1;
    }
    const s = segs[lo]!;
    return { file: s.file, offset: s.linear ? s.src + Math.max(0, offset - s.out) : s.src };
  }
}
