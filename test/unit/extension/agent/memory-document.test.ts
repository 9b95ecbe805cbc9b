/**
 * A memory note as a document: formatted and parsed back unchanged, tolerant of CRLF,
 * a BOM, `#` on tags and blank header lines; every mistake is a sentence that says
 * what to write instead.
 */
import assert from 'node:assert/strict';
import { formatNoteDocument, newNoteDocument, parseNoteDocument } from '../../../../extension/agent/memory-document';

describe('memory note document', () => {
  it('round-trips a note', () => {
    const note = {
      kind: 'constraint' as const,
      title: 'No network in unit tests',
      body: 'CI is offline.\n\nMock HTTP.',
      tags: ['ci', 'tests'],
    };
    const text = formatNoteDocument(note);
    assert.equal(text, '---\nkind: constraint\ntitle: No network in unit tests\ntags: ci, tests\n---\nCI is offline.\n\nMock HTTP.\n');
    assert.deepEqual(parseNoteDocument(text), { ok: true, note });
  });

  it('accepts CRLF, a BOM, #tags, duplicate tags and blank header lines', () => {
    const parsed = parseNoteDocument(
      '\uFEFF---\r\nKind: TODO\r\n\r\ntitle:  Drop the v1 API \r\ntags: #api, api, cleanup\r\n---\r\nbody\r\n',
    );
    assert.deepEqual(parsed, { ok: true, note: { kind: 'todo', title: 'Drop the v1 API', body: 'body', tags: ['api', 'cleanup'] } });
  });

  it('a new note template parses once a title is filled in', () => {
    const template = newNoteDocument('glossary');
    const empty = parseNoteDocument(template);
    assert.deepEqual(empty, { ok: false, error: 'The note needs a title (the title: line).' });
    assert.ok(parseNoteDocument(template.replace('title: ', 'title: Tandem home')).ok);
  });

  it('says what is wrong', () => {
    const err = (t: string) => {
      const r = parseNoteDocument(t);
      assert.ok(!r.ok, t);
      return r.error;
    };
    assert.match(err('kind: decision\n'), /starts with a line "---"/);
    assert.match(err('---\nkind: decision\ntitle: x\n'), /not closed/);
    assert.match(err('---\nkind: idea\ntitle: x\n---\n'), /kind must be one of decision, constraint, todo, glossary, link, not "idea"/);
    assert.match(err('---\nkind: link\ntitle: x\nauthor: me\n---\n'), /Line 4: unknown field "author"/);
    assert.match(err('---\nkind: link\njust words\n---\n'), /Line 3 is not "key: value"/);
    assert.match(err(`---\nkind: link\ntitle: ${'x'.repeat(201)}\n---\n`), /at most 200/);
    assert.match(err('---\nkind: link\ntitle: x\ntags: two words\n---\n'), /Tag "two words" must be one word/);
  });
});
