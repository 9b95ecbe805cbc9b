import assert from 'node:assert/strict';
import { join } from 'node:path';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { rustIteratorItem } from '../../../../daemon/context/rust-iterators';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import { indexedRepo } from './helpers';

describe('context/rust-iterators: what a workspace type hands out when iterated', function () {
  this.timeout(60_000);
  const FILES: Record<string, string> = {
    'Cargo.toml': '[package]\nname = "walk"\nversion = "0.1.0"\n',
    'src/lib.rs': 'mod dir;\nmod walk;\n',
    'src/dir.rs': [
      'pub struct Ignore {',
      '    parent: Option<Box<Ignore>>,',
      '}',
      '',
      'impl Ignore {',
      "    pub fn parents(&self) -> Parents<'_> {",
      '        Parents(Some(IgnoreRef { inner: self }))',
      '    }',
      '',
      '    pub fn entries(&self) -> Entries {',
      '        Entries(0)',
      '    }',
      '}',
      '',
      "pub struct IgnoreRef<'a> {",
      "    inner: &'a Ignore,",
      '}',
      '',
      "impl IgnoreRef<'_> {",
      '    pub fn is_absolute_parent(&self) -> bool {',
      '        false',
      '    }',
      '}',
      '',
      "pub struct Parents<'a>(Option<IgnoreRef<'a>>);",
      '',
      "impl<'a> Iterator for Parents<'a> {",
      "    type Item = IgnoreRef<'a>;",
      '',
      '    fn next(&mut self) -> Option<Self::Item> {',
      '        self.0.take()',
      '    }',
      '}',
      '',
      'pub struct Entries(usize);',
      '',
      'pub struct Entry {',
      '    n: usize,',
      '}',
      '',
      'impl Entry {',
      '    pub fn depth(&self) -> usize {',
      '        self.n',
      '    }',
      '}',
      '',
      'impl Iterator for Entries {',
      '    fn next(&mut self) -> Option<Entry> {',
      '        None',
      '    }',
      '}',
      '',
    ].join('\n'),
    'src/walk.rs': 'use crate::dir::Ignore;\n\nfn walk(ig: &Ignore) {\n}\n',
  };
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  let engine: TandemContextEngine;
  let root: string;
  before(async () => {
    repo = await indexedRepo('rust-iterators', FILES);
    ({ engine, root } = repo);
  });
  after(() => repo.close());

  const typeAt = (prefix: string, suffix: string) => {
    const rel = 'src/walk.rs';
    const ws = engine.rootOf(join(root, rel))!;
    const cursor = ws.syntax.cursorContext(prefix, suffix, 'rust');
    assert.ok(cursor.member);
    return receiverMembers(ws.syntax, { rel, language: 'rust', prefix, suffix, imports: ws.syntax.importsOf(rel), ...cursor.member }).type;
  };

  it("the `Item` of the type's `impl Iterator`, else the `Option<T>` its `next` returns", () => {
    const ws = engine.rootOf(join(root, 'src/walk.rs'))!;
    assert.equal(rustIteratorItem(ws.syntax, 'src/walk.rs', 'Parents'), 'IgnoreRef');
    assert.equal(rustIteratorItem(ws.syntax, 'src/walk.rs', 'Entries'), 'Entry');
    assert.equal(rustIteratorItem(ws.syntax, 'src/walk.rs', 'Ignore'), undefined);
  });

  it('a loop over a method returning such a type, and an adapter closure on it, bind its element', () => {
    const head = 'use crate::dir::Ignore;\n\nfn walk(ig: &Ignore) {\n';
    assert.equal(typeAt(`${head}    for p in ig.parents() {\n        p.`, '\n    }\n}\n'), 'IgnoreRef');
    assert.equal(typeAt(`${head}    for e in ig.entries() {\n        e.`, '\n    }\n}\n'), 'Entry');
    // The line typed so far, the rest of it not there yet (rust-line-closers.ts keeps the closure for the parse).
    assert.equal(typeAt(`${head}    for x in ig.parents().take_while(|p| !p.`, '        x.go();\n    }\n}\n'), 'IgnoreRef');
  });
});
