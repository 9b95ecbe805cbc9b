/**
 * When the cursor is mid-line, the text after it (e.g. `);` or `) {`) is often
 * regenerated at the end of the suggestion's first line. Accepting would duplicate it,
 * so that overlap is removed from the suggestion's first line.
 */
import { lineSuffix, type CompletionFilter } from './filter';

export const removeSuffixOverlap: CompletionFilter = (text, ctx) => {
  const rest = lineSuffix(ctx).trimEnd();
  if (rest.trim() === '') return text;
  const nl = text.search(/\r?\n/);
  const first = nl < 0 ? text : text.slice(0, nl);
  const tail = nl < 0 ? '' : text.slice(nl);
  const firstTrimmed = first.trimEnd();
  // The whole remainder of the line repeated at the end of the first line.
  if (firstTrimmed.endsWith(rest.trim())) {
    const cut = firstTrimmed.slice(0, firstTrimmed.length - rest.trim().length);
    return cut + tail;
  }
  // A leading run of closing characters (`)`, `]`, `}`, quotes, `;`, `,`) repeated.
  const closers = /^[)\]}'"`;,]+/.exec(rest.trimStart())?.[0] ?? '';
  for (let n = closers.length; n > 0; n--) {
    const piece = closers.slice(0, n);
    if (firstTrimmed.endsWith(piece)) return firstTrimmed.slice(0, firstTrimmed.length - n) + tail;
  }
  return text;
};
