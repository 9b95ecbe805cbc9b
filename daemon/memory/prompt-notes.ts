/**
 * The project memory notes a prompt gets: the active notes most relevant to the request
 * (BM25, `store.ts`), best first, rendered as a Markdown section, as many as fit the
 * budget (a note that does not fit whole is left out, never cut). Each note included or
 * left out is a used-context item (`kind: 'memory'`), so the user sees why.
 */
import type { ChatContextItem, MemoryNote } from '../../protocol';
import type { FeatureHost } from '../host/types';
import { memoryStoreOf } from './feature';
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

/** Characters per token when no tokenizer is at hand (a budget estimate, never a count sent anywhere). */
const CHARS_PER_TOKEN = 4;

/**
 * The notes for a prompt of `task`: within `memory.promptShare` of the task's prompt
 * budget, at most `memory.maxNotesPerPrompt`. Storage trouble never fails the request:
 * the prompt goes without notes (and the log says why).
 */
export function notesForPrompt(
  host: Pick<FeatureHost, 'db' | 'config' | 'logger'>,
  req: {
    workspace: string;
    query: string;
    task: 'chat' | 'fix' | 'edit' | 'agent';
    budgetTokens?: number;
    count?: (text: string) => number;
  },
): PromptNotes {
  const config = host.config();
  const cfg = config.tasks[req.task];
  const room = req.budgetTokens ?? Math.max(0, cfg.num_ctx - cfg.num_predict);
  try {
    return promptNotes(memoryStoreOf(host), {
      workspace: req.workspace,
      query: req.query,
      budgetTokens: Math.floor(room * config.memory.promptShare),
      maxNotes: config.memory.maxNotesPerPrompt,
      count: req.count ?? ((t) => Math.ceil(t.length / CHARS_PER_TOKEN)),
    });
  } catch (err) {
    host.logger.warn(`Memory: notes could not be read for the ${req.task} prompt: ${(err as Error).message}`);
    return { text: '', tokens: 0, items: [], notes: [] };
  }
}
