/**
 * A suggestion of nothing but whitespace is not worth showing.
 */
import type { CompletionFilter } from './filter';

export const dropWhitespaceOnly: CompletionFilter = (text) => (text.trim() === '' ? '' : text);
