import assert from 'node:assert/strict';
import { join } from 'node:path';
import { importsRetriever, type ImportSignals } from '../../../../daemon/context/imports-retriever';
import { rustReexportLines } from '../../../../daemon/context/rust-reexports';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import { indexedRepo } from './helpers';

describe('context/rust-reexports: a `pub use` exposes names, it does not bring them in for the file', function () {
  this.timeout(60_000);

  it('finds the lines of `pub use` and `pub(crate) use` statements, not of plain `use`', () => {
    const prefix = 'use a::B;\npub use crate::glob::{Glob, GlobBuilder};\n\n  pub(crate) use self::x::Y;\nfn f() {}\n';
    assert.deepEqual([...rustReexportLines(prefix)], [2, 4]);
  });

  describe('ranking', () => {
    const FILES: Record<string, string> = {
      'Cargo.toml': '[package]\nname = "globs"\nversion = "0.1.0"\n',
      'src/x.rs':
        'pub struct Glob {\n    re: String,\n}\n\npub struct GlobMatcher {\n    glob: Glob,\n}\n\npub struct GlobBuilder {\n    glob: Glob,\n}\n',
      'src/y.rs': 'pub enum MatchStrategy {\n    Literal,\n    Regex,\n}\n',
      'src/lib.rs': '',
    };
    const LIB = 'mod x;\nmod y;\n\npub use crate::x::{Glob, GlobBuilder, GlobMatcher};\nuse crate::y::MatchStrategy;\n\nfn pick(s: ';
    const SUFFIX = 'u8) {}\n\nfn other(m: MatchStrategy) {}\n';
    let repo: Awaited<ReturnType<typeof indexedRepo>>;
    let engine: TandemContextEngine;
    let root: string;
    before(async () => {
      repo = await indexedRepo('rust-reexports', { ...FILES, 'src/lib.rs': `${LIB}${SUFFIX}` });
      ({ engine, root } = repo);
    });
    after(() => repo.close());

    it('an imported name the file uses below comes before re-exported names it never uses', () => {
      const ws = engine.rootOf(join(root, 'src/lib.rs'))!;
      const out: ImportSignals = { files: new Set(), placed: new Map() };
      importsRetriever(ws, { rel: 'src/lib.rs', language: 'rust', prefix: LIB, suffix: SUFFIX, queryWindow: LIB, line: 7 }, out);
      const rows = ws.store.chunks([...out.placed.keys()]);
      const first = rows.get([...out.placed.keys()][0])!;
      assert.equal(first.path, 'src/y.rs', [...rows.values()].map((r) => `${r.path}:${r.startLine}`).join(' '));
    });
  });
});
