/**
 * Project memory notes (tables `memory_notes` and `memory_fts` of the user database):
 * create, update, archive, delete, and BM25 relevance through SQLite FTS5 over the
 * notes' title, body and tags, with identifiers split the way the context index splits
 * them (`parseConfig` finds `parse config`).
 *
 * At most `maxActiveNotes` notes per workspace are active; adding (or reactivating) one
 * past it archives the least recently updated others. Archived notes stay searchable
 * (`includeArchived`) but `relevant` — what prompts get — never returns them.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCodes, TandemError, type MemoryKind, type MemoryNote } from '../../protocol';
import { identifiersIn, indexTerms, termsOfIdentifier } from '../context/identifiers';
import type { Db } from '../storage/db';

interface Row {
  id: string;
  workspace: string;
  kind: MemoryKind;
  title: string;
  body: string;
  tags: string;
  source: 'user' | 'agent';
  created_at: number;
  updated_at: number;
  archived: number;
}

export interface NewNote {
  workspace: string;
  kind: MemoryKind;
  title: string;
  body: string;
  tags: string[];
  source: 'user' | 'agent';
}

export interface NotePatch {
  kind?: MemoryKind;
  title?: string;
  body?: string;
  tags?: string[];
  archived?: boolean;
}

export interface ScoredNote {
  note: MemoryNote;
  /** BM25 relevance, higher is better. */
  score: number;
}

function toNote(r: Row): MemoryNote {
  return {
    id: r.id,
    workspace: r.workspace,
    kind: r.kind,
    title: r.title,
    body: r.body,
    tags: JSON.parse(r.tags) as string[],
    source: r.source,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    archived: r.archived === 1,
  };
}

/** The FTS5 query for a text: its terms OR-ed (quoted, so no FTS syntax reaches SQLite); '' when it has none. */
export function memoryQuery(text: string, maxTerms = 24): string {
  const terms = new Set<string>();
  for (const ident of identifiersIn(text)) for (const t of termsOfIdentifier(ident)) if (/^[a-z0-9_]{2,64}$/.test(t)) terms.add(t);
  return [...terms]
    .slice(0, maxTerms)
    .map((t) => `"${t}"`)
    .join(' OR ');
}

export class MemoryStore {
  constructor(
    private readonly db: Db,
    private readonly limits: () => { maxActiveNotes: number },
    private readonly now: () => number = Date.now,
  ) {}

  get(id: string): MemoryNote | undefined {
    const row = this.db.prepare('SELECT * FROM memory_notes WHERE id = ?').get(id) as Row | undefined;
    return row ? toNote(row) : undefined;
  }

  /** Add a note; returns it and the ids archived to stay within the limit. */
  add(input: NewNote): { note: MemoryNote; archivedIds: string[] } {
    const id = randomUUID();
    const at = this.now();
    return this.write(() => {
      this.db
        .prepare(
          `INSERT INTO memory_notes (id, workspace, kind, title, body, tags, source, created_at, updated_at, archived)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
        )
        .run(id, input.workspace, input.kind, input.title, input.body, JSON.stringify(input.tags), input.source, at, at);
      this.reindex(id, input);
      const archivedIds = this.enforceLimit(input.workspace, id);
      return { note: this.get(id)!, archivedIds };
    });
  }

  update(id: string, patch: NotePatch): { note: MemoryNote; archivedIds: string[] } {
    const current = this.get(id);
    if (!current) throw new TandemError(ErrorCodes.NotFound, `No memory note ${id}; it may have been deleted.`);
    const next = {
      kind: patch.kind ?? current.kind,
      title: patch.title ?? current.title,
      body: patch.body ?? current.body,
      tags: patch.tags ?? current.tags,
      // Editing an archived note brings it back, unless the edit archives it.
      archived: patch.archived ?? false,
    };
    return this.write(() => {
      this.db
        .prepare('UPDATE memory_notes SET kind = ?, title = ?, body = ?, tags = ?, archived = ?, updated_at = ? WHERE id = ?')
        .run(next.kind, next.title, next.body, JSON.stringify(next.tags), next.archived ? 1 : 0, this.now(), id);
      this.reindex(id, next);
      const archivedIds = next.archived ? [] : this.enforceLimit(current.workspace, id);
      return { note: this.get(id)!, archivedIds };
    });
  }

  delete(id: string): MemoryNote | undefined {
    const note = this.get(id);
    if (!note) return undefined;
    this.write(() => {
      this.db.prepare('DELETE FROM memory_fts WHERE note_id = ?').run(id);
      this.db.prepare('DELETE FROM memory_notes WHERE id = ?').run(id);
    });
    return note;
  }

  counts(workspace: string): { active: number; archived: number } {
    const row = this.db
      .prepare('SELECT SUM(archived = 0) AS active, SUM(archived = 1) AS archived FROM memory_notes WHERE workspace = ?')
      .get(workspace) as { active: number | null; archived: number | null };
    return { active: row.active ?? 0, archived: row.archived ?? 0 };
  }

  /** Notes of a workspace, newest first (or best first for a query). */
  list(opts: { workspace: string; query?: string; kind?: MemoryKind; includeArchived: boolean; limit: number }): MemoryNote[] {
    if (opts.query && opts.query.trim() !== '') {
      return this.search(opts.workspace, opts.query, { includeArchived: opts.includeArchived, limit: opts.limit, kind: opts.kind }).map(
        (s) => s.note,
      );
    }
    const rows = this.db
      .prepare(
        `SELECT * FROM memory_notes WHERE workspace = ? ${opts.includeArchived ? '' : 'AND archived = 0'} ${opts.kind ? 'AND kind = ?' : ''}
         ORDER BY updated_at DESC, id LIMIT ?`,
      )
      .all(...[opts.workspace, ...(opts.kind ? [opts.kind] : []), opts.limit]) as Row[];
    return rows.map(toNote);
  }

  /** BM25 over title, body and tags; notes sharing no term with the query are not returned. */
  search(workspace: string, text: string, opts: { includeArchived: boolean; limit: number; kind?: MemoryKind }): ScoredNote[] {
    const match = memoryQuery(text);
    if (match === '') return [];
    const rows = this.db
      .prepare(
        `SELECT n.*, bm25(memory_fts) AS rank FROM memory_fts JOIN memory_notes n ON n.id = memory_fts.note_id
         WHERE memory_fts MATCH ? AND n.workspace = ? ${opts.includeArchived ? '' : 'AND n.archived = 0'} ${opts.kind ? 'AND n.kind = ?' : ''}
         ORDER BY rank, n.updated_at DESC LIMIT ?`,
      )
      .all(...[match, workspace, ...(opts.kind ? [opts.kind] : []), opts.limit]) as Array<Row & { rank: number }>;
    // FTS5's bm25() is lower-is-better (negative); report higher-is-better.
    return rows.map((r) => ({ note: toNote(r), score: Math.round(-r.rank * 1000) / 1000 }));
  }

  /** The active notes relevant to a request, best first (what prompts get). */
  relevant(workspace: string, text: string, limit: number): ScoredNote[] {
    if (limit <= 0) return [];
    return this.search(workspace, text, { includeArchived: false, limit });
  }

  private reindex(id: string, n: { title: string; body: string; tags: string[]; kind: string }): void {
    this.db.prepare('DELETE FROM memory_fts WHERE note_id = ?').run(id);
    // Title and tags twice: a term there says more about the note than one in its body.
    const terms = [
      indexTerms(n.title),
      indexTerms(n.title),
      indexTerms(n.tags.join(' ')),
      indexTerms(n.tags.join(' ')),
      indexTerms(n.body),
    ];
    this.db.prepare('INSERT INTO memory_fts (note_id, terms) VALUES (?, ?)').run(id, terms.join(' '));
  }

  /** Archive the least recently updated active notes past the limit (never `keep`). */
  private enforceLimit(workspace: string, keep: string): string[] {
    const max = this.limits().maxActiveNotes;
    const rows = this.db
      .prepare('SELECT id FROM memory_notes WHERE workspace = ? AND archived = 0 AND id <> ? ORDER BY updated_at DESC, id DESC')
      .all(workspace, keep) as Array<{ id: string }>;
    const excess = rows.slice(Math.max(0, max - 1)).map((r) => r.id);
    const archive = this.db.prepare('UPDATE memory_notes SET archived = 1 WHERE id = ?');
    for (const id of excess) archive.run(id);
    return excess;
  }

  private write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (err) {
      if (err instanceof TandemError) throw err;
      throw new TandemError(ErrorCodes.StorageError, `Could not store the memory note: ${(err as Error).message}`, { cause: err });
    }
  }
}
