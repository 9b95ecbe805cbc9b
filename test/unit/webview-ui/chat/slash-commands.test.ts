/**
 * Slash-command parsing: the six commands with their text, paths that are not
 * commands, unknown commands and missing text as messages, suggestions while typing,
 * and `/remember`'s kind, title, tags and body.
 */
import assert from 'node:assert/strict';
import { parseRememberArgs, parseSlashCommand, slashSuggestions } from '../../../../webview-ui/chat/slash-commands';

describe('chat slash commands', () => {
  it('routes each command with the text after it', () => {
    assert.deepEqual(parseSlashCommand('/agent make the tests pass'), { kind: 'command', name: 'agent', args: 'make the tests pass' });
    assert.deepEqual(parseSlashCommand('  /explain'), { kind: 'command', name: 'explain', args: '' });
    assert.deepEqual(parseSlashCommand('/agent'), { kind: 'command', name: 'agent', args: '' }, 'a strategy has a default task');
    assert.deepEqual(parseSlashCommand('/FIX'), { kind: 'command', name: 'fix', args: '' });
    assert.deepEqual(parseSlashCommand('/edit rename foo to bar\nin all files'), {
      kind: 'command',
      name: 'edit',
      args: 'rename foo to bar\nin all files',
    });
    assert.deepEqual(parseSlashCommand('/test the parser'), { kind: 'command', name: 'test', args: 'the parser' });
  });

  it('ordinary questions and paths are not commands', () => {
    assert.deepEqual(parseSlashCommand('what does /agent do?'), { kind: 'none' });
    assert.deepEqual(parseSlashCommand('/usr/bin/env is missing'), { kind: 'none' });
    assert.deepEqual(parseSlashCommand('// a comment'), { kind: 'none' });
  });

  it('an unknown command or a missing text is a message, not a question', () => {
    const unknown = parseSlashCommand('/deploy now');
    assert.equal(unknown.kind, 'invalid');
    assert.match((unknown as { message: string }).message, /Unknown command \/deploy\. Try \/explain, \/fix, \/edit, \/test, \/agent/);
    const empty = parseSlashCommand('/remember   ');
    assert.equal(empty.kind, 'invalid');
    assert.match((empty as { message: string }).message, /<title> after \/remember/);
  });

  it('suggests commands while only the command name is typed', () => {
    assert.deepEqual(
      slashSuggestions('/').map((c) => c.name),
      ['explain', 'fix', 'edit', 'test', 'agent', 'remember'],
    );
    assert.deepEqual(
      slashSuggestions('/e').map((c) => c.name),
      ['explain', 'edit'],
    );
    assert.deepEqual(slashSuggestions('/edit x'), []);
    assert.deepEqual(slashSuggestions('hello /e'), []);
  });

  it('/remember takes an optional kind, a title with #tags and a body', () => {
    assert.deepEqual(parseRememberArgs('constraint: No network in tests #testing #ci\nThe CI box is offline.\nReally.'), {
      kind: 'constraint',
      title: 'No network in tests',
      body: 'The CI box is offline.\nReally.',
      tags: ['testing', 'ci'],
    });
    assert.deepEqual(parseRememberArgs('Use zod everywhere'), { kind: 'decision', title: 'Use zod everywhere', body: '', tags: [] });
    assert.deepEqual(parseRememberArgs('note: a colon title'), { kind: 'decision', title: 'note: a colon title', body: '', tags: [] });
    assert.ok('error' in parseRememberArgs('todo:   #x'));
  });
});
