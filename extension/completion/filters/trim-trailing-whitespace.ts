/**
 * Trailing spaces on each line and trailing blank lines are noise in ghost text (and
 * leave whitespace in the document after an accept).
 */
import type { CompletionFilter } from './filter';

export const trimTrailingWhitespace: CompletionFilter = (text) =>
  text
    .split('\n')
    .map((line) => line.replace(/[ \t\r]+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
