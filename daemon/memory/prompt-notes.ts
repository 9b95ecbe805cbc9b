/**
 * The project memory notes a prompt gets: the active notes most relevant to the request
 * (BM25, `store.ts`), best first, rendered as a Markdown section, as many as fit the
 * budget (a note that does not fit whole is left out, never cut). Each note included or
 * left out is a used-context item (`kind: 'memory'`), so the user sees why.
 */
import type { ChatContextItem, MemoryNote } from '../../protocol';
import type { MemoryStore } from './store';

export interface PromptNotes {
  /** The Markdown section ('' when no note is relevant). */
  text: string;
  tokens: number;
  items: ChatContextItem[];
  notes: MemoryNote[];
}

export interface PromptNotesRequest {
  workspace: string;
  /** The request's text (question, task, instruction, diagnostics). */
  query: string;
  budgetTokens: number;
  maxNotes: number;
  count(text: string): number;
}

export function renderNote(n: MemoryNote): string {
  const tags = n.tags.length > 0 ? ` [${n.tags.join(', ')}]` : '';
  return `- **${n.kind}: ${n.title}**${tags}${n.body.trim() !== '' ? `\n  ${n.body.trim().replace(/\n/g, '\n  ')}` : ''}`;
}

const HEADER = '## Project memory\n\nNotes the team keeps about this project (decisions, constraints, terms). Follow them.\n\n';

export function promptNotes(store: MemoryStore, req: PromptNotesRequest): PromptNotes {
  const empty: PromptNotes = { text: '', tokens: 0, items: [], notes: [] };
  if (req.maxNotes <= 0 || req.budgetTokens <= 0) return empty;
  const scored = store.relevant(req.workspace, req.query, req.maxNotes);
  if (scored.length === 0) return empty;
  const items: ChatContextItem[] = [];
  const taken: MemoryNote[] = [];
  const parts: string[] = [];
  let used = req.count(HEADER);
  for (const { note } of scored) {
    const rendered = renderNote(note);
    const tokens = req.count(rendered) + 1;
    const item: ChatContextItem = { kind: 'memory', path: `memory:${note.id}`, label: note.title, tokens, outcome: 'included' };
    if (used + tokens > req.budgetTokens) {
      items.push({ ...item, outcome: 'omitted', reason: 'did not fit the prompt budget for memory notes' });
      continue;
    }
    used += tokens;
    parts.push(rendered);
    taken.push(note);
    items.push(item);
  }
  if (parts.length === 0) return { ...empty, items };
  return { text: `${HEADER}${parts.join('\n')}\n`, tokens: used, items, notes: taken };
}
