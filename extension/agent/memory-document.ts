/**
 * A project memory note as an editable Markdown document (the Memory view opens it,
 * Save stores it): a front matter block with the kind, the title and the tags, then the
 * body. Pure; parse errors are sentences naming the line, so a Save that cannot be
 * stored says why and the document keeps the user's text.
 *
 * ```
 * ---
 * kind: decision
 * title: Validate every request with zod
 * tags: protocol, validation
 * ---
 * The daemon validates at the boundary; handlers trust their params.
 * ```
 */
import { NoteKinds, type NoteKindName } from '../../webview-ui/chat/slash-commands';

export interface NoteFields {
  kind: NoteKindName;
  title: string;
  body: string;
  tags: string[];
}

export const TITLE_MAX = 200;
export const BODY_MAX = 20_000;
export const TAG_MAX = 50;
const TAGS_MAX = 20;

/** The document text of a note (or of a new one: an empty title to fill in). */
export function formatNoteDocument(note: NoteFields): string {
  return ['---', `kind: ${note.kind}`, `title: ${note.title}`, `tags: ${note.tags.join(', ')}`, '---', note.body].join('\n') + '\n';
}

/** The template a new note starts from. */
export function newNoteDocument(kind: NoteKindName = 'decision', title = '', body = ''): string {
  return formatNoteDocument({ kind, title, body, tags: [] });
}

export type NoteParse = { ok: true; note: NoteFields } | { ok: false; error: string };

function fail(error: string): NoteParse {
  return { ok: false, error };
}

export function parseNoteDocument(text: string): NoteParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---')
    return fail('A note starts with a line "---", then kind:, title: and tags: lines, then "---" and the body.');
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end < 0) return fail('The header is not closed: put a line "---" after the tags: line.');
  const fields = new Map<string, string>();
  for (let i = 1; i < end; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const m = /^\s*([A-Za-z]+)\s*:(.*)$/.exec(line);
    if (!m) return fail(`Line ${i + 1} is not "key: value": ${line.trim().slice(0, 60)}`);
    const key = m[1]!.toLowerCase();
    if (!['kind', 'title', 'tags'].includes(key)) return fail(`Line ${i + 1}: unknown field "${m[1]}" (use kind, title and tags).`);
    fields.set(key, m[2]!.trim());
  }
  const kind = (fields.get('kind') ?? '').toLowerCase();
  if (!(NoteKinds as readonly string[]).includes(kind))
    return fail(`kind must be one of ${NoteKinds.join(', ')}${kind ? `, not "${kind}"` : ''}.`);
  const title = fields.get('title') ?? '';
  if (title === '') return fail('The note needs a title (the title: line).');
  if (title.length > TITLE_MAX) return fail(`The title is ${title.length} characters; at most ${TITLE_MAX}.`);
  const tags = [
    ...new Set(
      (fields.get('tags') ?? '')
        .split(',')
        .map((t) => t.trim().replace(/^#/, ''))
        .filter((t) => t !== ''),
    ),
  ];
  const badTag = tags.find((t) => t.length > TAG_MAX || /\s/.test(t));
  if (badTag !== undefined) return fail(`Tag "${badTag.slice(0, 60)}" must be one word of at most ${TAG_MAX} characters.`);
  if (tags.length > TAGS_MAX) return fail(`${tags.length} tags; at most ${TAGS_MAX}.`);
  const body = lines
    .slice(end + 1)
    .join('\n')
    .trim();
  if (body.length > BODY_MAX) return fail(`The body is ${body.length} characters; at most ${BODY_MAX}.`);
  return { ok: true, note: { kind: kind as NoteKindName, title, body, tags } };
}
