/**
 * Where only a single-line suggestion fits (the cursor is mid-line, or the decision in
 * multiline.ts said so), keep the first line. A suggestion that starts with a line
 * break has no first line to offer and is dropped.
 */
import type { CompletionFilter } from './filter';

export const limitToSingleLine: CompletionFilter = (text, ctx) => {
  if (ctx.multiline) return text;
  const nl = text.search(/\r?\n/);
  return nl < 0 ? text : text.slice(0, nl);
};
