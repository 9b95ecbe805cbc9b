/**
 * The post-processing pipeline, in order. Scope first (single line, block), then
 * duplicates of the document, then brackets, then cosmetics, then the final emptiness
 * check. Stops as soon as a filter returns ''.
 */
import { balanceBrackets } from './balance-brackets';
import { dropRepeatedLines } from './drop-repeated-lines';
import { dropWhitespaceOnly } from './drop-whitespace-only';
import type { CompletionFilter, FilterContext } from './filter';
import { limitToSingleLine } from './limit-to-single-line';
import { removeSuffixOverlap } from './remove-suffix-overlap';
import { trimToBlock } from './trim-to-block';
import { trimTrailingWhitespace } from './trim-trailing-whitespace';

export const defaultFilters: ReadonlyArray<{ name: string; filter: CompletionFilter }> = [
  { name: 'limitToSingleLine', filter: limitToSingleLine },
  { name: 'trimToBlock', filter: trimToBlock },
  { name: 'dropRepeatedLines', filter: dropRepeatedLines },
  { name: 'removeSuffixOverlap', filter: removeSuffixOverlap },
  { name: 'balanceBrackets', filter: balanceBrackets },
  { name: 'trimTrailingWhitespace', filter: trimTrailingWhitespace },
  { name: 'dropWhitespaceOnly', filter: dropWhitespaceOnly },
];

export interface PipelineResult {
  text: string;
  /** The filter that dropped the suggestion, if one did. */
  droppedBy?: string;
}

export function runFilters(text: string, ctx: FilterContext, filters = defaultFilters): PipelineResult {
  let current = text;
  for (const { name, filter } of filters) {
    current = filter(current, ctx);
    if (current === '') return { text: '', droppedBy: name };
  }
  return { text: current };
}
