import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateFile, describeTightening, tightenHome } from '../../../../daemon/storage/private-files';

const mode = (p: string) => statSync(p).mode & 0o777;

describe('private files under the Tandem home', function () {
  if (process.platform === 'win32') return;
  let tmp: string;
  beforeEach(() => (tmp = realpathSync(mkdtempSync(join(tmpdir(), 'tandem-private-')))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('creates a file 0600 whatever the umask, and leaves an existing one alone', () => {
    const old = process.umask(0o022);
    try {
      createPrivateFile(join(tmp, 'tandem.db'));
      assert.equal(mode(join(tmp, 'tandem.db')), 0o600);
      writeFileSync(join(tmp, 'x'), 'keep');
      createPrivateFile(join(tmp, 'x'));
      assert.equal(statSync(join(tmp, 'x')).size, 4);
    } finally {
      process.umask(old);
    }
  });

  it('tightens an old install: folders 0700, files 0600 (owner bits kept), symlinks not followed; once', () => {
    const home = join(tmp, 'home');
    const outside = join(tmp, 'outside');
    mkdirSync(join(home, 'index', 'ab12', 'vectors'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'theirs.txt'), 'x');
    chmodSync(join(outside, 'theirs.txt'), 0o644);
    for (const f of [
      'tandem.db',
      'tandem.db-wal',
      'config.json',
      join('index', 'ab12', 'index.db'),
      join('index', 'ab12', 'vectors', 'x.lance'),
    ]) {
      writeFileSync(join(home, f), 'x');
      chmodSync(join(home, f), 0o644);
    }
    writeFileSync(join(home, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(home, 'run.sh'), 0o755);
    symlinkSync(outside, join(home, 'link'));
    for (const d of [home, join(home, 'index'), join(home, 'index', 'ab12'), join(home, 'index', 'ab12', 'vectors')]) chmodSync(d, 0o755);

    const first = tightenHome(home, join(tmp, 'user-home'));
    assert.equal(first.failed.length, 0, JSON.stringify(first.failed));
    assert.equal(first.changed.length, 10);
    for (const d of [home, join(home, 'index', 'ab12', 'vectors')]) assert.equal(mode(d), 0o700, d);
    for (const f of ['tandem.db', 'tandem.db-wal', 'config.json', join('index', 'ab12', 'vectors', 'x.lance')])
      assert.equal(mode(join(home, f)), 0o600, f);
    assert.equal(mode(join(home, 'run.sh')), 0o700, 'owner bits kept, group and other removed');
    assert.equal(mode(join(outside, 'theirs.txt')), 0o644, 'a symlink out of the home is not followed');
    assert.match(
      describeTightening(home, first) ?? '',
      /Made 6 file\(s\) and 4 folder\(s\) under .* private to you \(0600\/0700\).*was 0644/,
    );

    const second = tightenHome(home, join(tmp, 'user-home'));
    assert.deepEqual(second, { changed: [], failed: [] });
    assert.equal(describeTightening(home, second), undefined, 'nothing to say the next time');
  });

  it('a TANDEM_HOME that is the user home directory: only Tandem entries change, never the folder or other files', () => {
    const userHome = join(tmp, 'ann');
    mkdirSync(join(userHome, 'logs'), { recursive: true });
    writeFileSync(join(userHome, 'notes.txt'), 'mine');
    writeFileSync(join(userHome, 'tandem.db'), 'db');
    writeFileSync(join(userHome, 'logs', 'daemon.log'), 'log');
    for (const f of ['notes.txt', 'tandem.db', join('logs', 'daemon.log')]) chmodSync(join(userHome, f), 0o644);
    chmodSync(userHome, 0o755);
    tightenHome(userHome, userHome);
    assert.equal(mode(userHome), 0o755);
    assert.equal(mode(join(userHome, 'notes.txt')), 0o644);
    assert.equal(mode(join(userHome, 'tandem.db')), 0o600);
    assert.equal(mode(join(userHome, 'logs', 'daemon.log')), 0o600);
  });
});
