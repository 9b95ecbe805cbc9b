import assert from 'node:assert/strict';
import { parseSlashCommand, slashCommands, taskText } from '../../../shared/slash-commands';

describe('slash commands', () => {
  it('routes each command to its strategy, case-insensitively, with the rest of the message as the task', () => {
    assert.deepEqual(parseSlashCommand('/fix the failing import'), { strategy: 'fix', rest: 'the failing import' });
    assert.deepEqual(parseSlashCommand('  /TEST\nfor parser.ts'), { strategy: 'test', rest: 'for parser.ts' });
    assert.deepEqual(
      slashCommands.map((c) => [c.name, parseSlashCommand(c.name)!.strategy]),
      [
        ['/explain', 'explain'],
        ['/fix', 'fix'],
        ['/edit', 'edit'],
        ['/test', 'test'],
        ['/agent', 'agent'],
      ],
    );
  });

  it('leaves other text alone: no command, an unknown one, or a slash inside a word', () => {
    for (const text of ['fix it', '/deploy now', '/fixit', 'a /fix b', 'path/to/file'])
      assert.equal(parseSlashCommand(text), undefined, text);
  });

  it('gives a default task when nothing follows the command', () => {
    assert.match(taskText(parseSlashCommand('/test')!), /Write tests/);
    assert.equal(taskText(parseSlashCommand('/edit rename x')!), 'rename x');
  });
});
