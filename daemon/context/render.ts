/**
 * How retrieved chunks are written into a FIM prompt so that any model understands
 * them: as comments in the document's language, each headed by its path and lines,
 * in a deterministic order with the stable part first (definitions of the file's
 * imports, which change rarely, then the rest by path and line), so consecutive
 * prompts share the longest possible prefix in the server's prompt cache. A member
 * chunk cut out of a large class comes under its class's header lines (`context`), so
 * the model knows whose member it reads.
 */
import { asComment, specFor } from './languages';

export interface RenderItem {
  path: string;
  startLine: number;
  endLine: number;
  text: string;
  /** 0 = stable (imports of the current file), 1 = volatile (lexical / semantic hits). */
  tier: 0 | 1;
  /** Header lines of the class (or other container) a member chunk was cut out of. */
  context?: string;
}

/** A chunk's text as the model reads it: a member of a split class under its class's header lines. */
export function chunkBody(item: Pick<RenderItem, 'text' | 'context'>): string {
  return item.context ? `${item.context}\n${item.text}` : item.text;
}

export function renderChunk(languageId: string, item: RenderItem): string {
  return asComment(specFor(languageId), `Path: ${item.path} (lines ${item.startLine}-${item.endLine})\n${chunkBody(item)}`);
}

/** The prompt order: tier, then path, then line. */
export function promptOrder<T extends RenderItem>(items: T[]): T[] {
  return [...items].sort((a, b) => a.tier - b.tier || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || a.startLine - b.startLine);
}

/** The context block put before the prefix: chunks, then the current file's path. */
export function renderContextBlock(languageId: string, items: RenderItem[], currentPath: string | undefined): string {
  if (items.length === 0) return '';
  const parts = promptOrder(items).map((i) => renderChunk(languageId, i));
  if (currentPath) parts.push(asComment(specFor(languageId), `Path: ${currentPath}`));
  return parts.join('\n') + '\n';
}
