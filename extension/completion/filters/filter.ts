/**
 * A post-processing filter: a pure function from a suggestion to a (usually shorter)
 * suggestion. Returning '' drops the suggestion. Filters run in a fixed order
 * (pipeline.ts); each lives in its own file with its own test.
 */
export interface FilterContext {
  /** Document text before the cursor (possibly clipped at its start). */
  prefix: string;
  /** Document text after the cursor (possibly clipped at its end). */
  suffix: string;
  languageId: string;
  /** Whether a multi-line suggestion is allowed at this position. */
  multiline: boolean;
}

export type CompletionFilter = (text: string, ctx: FilterContext) => string;

/** The part of the cursor line before the cursor. */
export function linePrefix(ctx: FilterContext): string {
  const nl = ctx.prefix.lastIndexOf('\n');
  return ctx.prefix.slice(nl + 1);
}

/** The part of the cursor line after the cursor. */
export function lineSuffix(ctx: FilterContext): string {
  const nl = ctx.suffix.indexOf('\n');
  return nl < 0 ? ctx.suffix : ctx.suffix.slice(0, nl);
}

/** Leading whitespace width (tabs count as `tabSize`). */
export function indentWidth(line: string, tabSize = 4): number {
  let width = 0;
  for (const ch of line) {
    if (ch === ' ') width += 1;
    else if (ch === '\t') width += tabSize;
    else break;
  }
  return width;
}

export function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}
