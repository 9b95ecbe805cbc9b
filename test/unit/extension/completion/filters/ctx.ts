/** Builds a FilterContext from a document with a `|` marking the cursor. */
import type { FilterContext } from '../../../../../extension/completion/filters/filter';

export function at(doc: string, opts: { multiline?: boolean; languageId?: string } = {}): FilterContext {
  const i = doc.indexOf('|');
  if (i < 0) throw new Error('test document needs a | cursor');
  return {
    prefix: doc.slice(0, i),
    suffix: doc.slice(i + 1),
    languageId: opts.languageId ?? 'typescript',
    multiline: opts.multiline ?? true,
  };
}
