/** @mentions: parsing, the mention at the caret, applying a completion, and file ranking. */
import assert from 'node:assert/strict';
import { applyMention, mentionAt, parseMentions } from '../../../../webview-ui/chat/mentions';
import { matchScore, rankPaths } from '../../../../extension/chat/file-match';
import { parseWebviewMessage } from '../../../../webview-ui/chat/messages';

describe('chat mentions', () => {
  it('parses @files and @codebase, ignoring e-mail addresses and trailing punctuation', () => {
    assert.deepEqual(parseMentions('Compare @src/a.ts, @src/b.ts and @src/a.ts; see @codebase. mail me@host.org'), {
      files: ['src/a.ts', 'src/b.ts'],
      codebase: true,
    });
    assert.deepEqual(parseMentions('no mentions'), { files: [], codebase: false });
    assert.deepEqual(parseMentions('(@lib/x.py)'), { files: ['lib/x.py'], codebase: false });
  });

  it('finds the mention being typed at the caret', () => {
    assert.deepEqual(mentionAt('see @src/ma', 11), { start: 4, query: 'src/ma' });
    assert.deepEqual(mentionAt('@', 1), { start: 0, query: '' });
    assert.equal(mentionAt('see @src/ma now', 15), undefined);
    assert.equal(mentionAt('me@host', 7), undefined);
  });

  it('replaces the typed mention by the picked path', () => {
    assert.deepEqual(applyMention('see @ma please', { start: 4, query: 'ma' }, 'src/math.ts'), {
      text: 'see @src/math.ts please',
      caret: 17,
    });
    assert.deepEqual(applyMention('@co', { start: 0, query: 'co' }, 'codebase'), { text: '@codebase ', caret: 10 });
  });

  it('ranks file name matches above scattered path matches', () => {
    const paths = ['src/util/format.ts', 'src/math.ts', 'docs/mathematics/notes.md', 'test/math.test.ts', 'README.md'];
    assert.deepEqual(rankPaths(paths, 'math', 3), ['src/math.ts', 'test/math.test.ts', 'docs/mathematics/notes.md']);
    assert.equal(matchScore('src/a.ts', 'zz'), undefined);
    assert.equal(rankPaths(paths, '', 2).length, 2);
  });

  it('validates webview messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'send', text: 'hi', model: 'm', extra: 1 }), { type: 'send', text: 'hi', model: 'm' });
    assert.deepEqual(parseWebviewMessage({ type: 'openContext', path: '/a', line: 0 }), { type: 'openContext', path: '/a' });
    assert.equal(parseWebviewMessage({ type: 'fileQuery', requestId: '1', query: 'x' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'send', text: 'x'.repeat(100_001) }), undefined);
    assert.equal(parseWebviewMessage({ type: 'openConversation', id: '' }), undefined);
  });
});
