import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRootRefusal } from '../../../shared/root-policy';

describe('shared/root-policy', () => {
  let base: string;
  let ctx: { userHome: string; tandemHome: string };

  before(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'tandem-root-policy-')));
    ctx = { userHome: join(base, 'home', 'ann'), tandemHome: join(base, 'home', 'ann', '.tandem') };
    mkdirSync(join(ctx.tandemHome, 'index'), { recursive: true });
    mkdirSync(join(ctx.userHome, 'code', 'app', '.git', 'refs'), { recursive: true });
    symlinkSync(ctx.userHome, join(base, 'ann-link'));
    symlinkSync(join(ctx.userHome, 'code', 'app'), join(base, 'app-link'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const rule = (root: string) => workspaceRootRefusal(root, ctx)?.rule;

  it('refuses the disk, the home directory (also through a symlink or with a trailing slash) and the folders above it', () => {
    assert.equal(rule('/'), 'filesystem_root');
    assert.equal(rule(ctx.userHome), 'home');
    assert.equal(rule(`${ctx.userHome}/`), 'home');
    assert.equal(rule(join(base, 'ann-link')), 'home');
    assert.equal(rule(join(base, 'home')), 'above_home');
    assert.equal(rule(base), 'above_home');
    assert.equal(workspaceRootRefusal(ctx.userHome, ctx)?.message, 'Tandem does not index your home directory: open a project folder.');
  });

  it('refuses the Tandem home, folders inside it, folders holding it and .git folders', () => {
    assert.equal(rule(ctx.tandemHome), 'tandem_home');
    assert.equal(rule(join(ctx.tandemHome, 'index')), 'tandem_home');
    assert.equal(rule(join(ctx.userHome, 'code', 'app', '.git')), 'git');
    assert.equal(rule(join(ctx.userHome, 'code', 'app', '.git', 'refs')), 'git');
    const inside = { userHome: ctx.userHome, tandemHome: join(ctx.userHome, 'code', 'app', '.tandem-data') };
    assert.equal(workspaceRootRefusal(join(ctx.userHome, 'code', 'app'), inside)?.rule, 'contains_tandem_home');
    assert.equal(workspaceRootRefusal(join(ctx.userHome, 'code'), inside)?.rule, 'contains_tandem_home');
  });

  it('allows projects, inside the home directory or not, by any path that resolves to one', () => {
    assert.equal(rule(join(ctx.userHome, 'code', 'app')), undefined);
    assert.equal(rule(join(ctx.userHome, 'code')), undefined);
    assert.equal(rule(join(base, 'app-link')), undefined);
    assert.equal(rule(join(base, 'elsewhere-not-created')), undefined);
    // A name that only starts like the home is not inside it.
    assert.equal(rule(`${ctx.userHome}-backup`), undefined);
    assert.equal(rule(join(ctx.userHome, 'code', 'app', '.github')), undefined);
  });
});
