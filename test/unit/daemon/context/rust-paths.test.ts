import assert from 'node:assert/strict';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { cursorContext } from '../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../daemon/context/syntax/grammars';
import type { ResolvedImport } from '../../../../daemon/context/syntax/facts';
import { memoryIndex, sym, TEST_PARSE_BUDGET_MS, type MemoryIndex } from './memory-index';

describe('context/rust-paths: of several same-named types, the one the path written in the document names', () => {
  let index: MemoryIndex;
  before(async () => {
    assert.ok((await loadGrammar('rust')).ok);
    const builder = (module: string, method: string) => [
      {
        startLine: 1,
        text: `pub struct Builder {\n    n: usize,\n}\n\nimpl Builder {\n    pub fn ${method}(&mut self) -> &mut Builder {`,
        symbols: [sym('Builder', 1, 'struct'), sym(method, 6, 'method', 'Builder')],
      },
    ];
    index = memoryIndex('/repo', {
      'crates/wire/src/lib.rs': [{ startLine: 1, text: 'pub struct Frame;', symbols: [sym('Frame', 1, 'struct')] }],
      'crates/wire/src/builder.rs': builder('wire', 'framing'),
      'crates/store/src/builder.rs': builder('store', 'compaction'),
      'src/http/mod.rs': builder('http', 'keep_alive'),
      'src/main.rs': [{ startLine: 1, text: 'fn main() {}', symbols: [sym('main', 1, 'function')] }],
    });
  });
  after(() => index.close());

  // `imports`: as the index resolves them (a workspace crate's import names its files).
  const members = (prefix: string, imports: ResolvedImport[] = []) => {
    const cursor = cursorContext(prefix, '\n}', 'rust', TEST_PARSE_BUDGET_MS);
    assert.ok(cursor.member, 'a member access');
    const r = receiverMembers(index.syntax, { rel: 'src/main.rs', language: 'rust', prefix, suffix: '\n}', imports, ...cursor.member });
    return r.members.map((m) => m.site.name).sort();
  };

  it('`crate::http::Builder::new()`: the type in the module the path names (its folder), not its namesakes', () => {
    assert.deepEqual(members('fn main() {\n    let mut b = crate::http::Builder::new();\n    b.'), ['keep_alive']);
    // An annotation's path says it as well.
    assert.deepEqual(members('fn f(b: &mut crate::http::Builder) {\n    b.'), ['keep_alive']);
  });

  it('a path through a crate the file imports from the workspace: the crate folder decides', () => {
    const wire = { specifier: 'wire::Frame', kind: 'module', names: [{ imported: 'Frame', local: 'Frame' }], line: 1 } as const;
    const imports: ResolvedImport[] = [{ ...wire, names: [...wire.names], files: ['crates/wire/src/lib.rs'] }];
    const found = members('use wire::Frame;\nfn main() {\n    let mut b = wire::Builder::new();\n    b.', imports);
    assert.ok(found.includes('framing') && !found.includes('compaction'), found.join(' '));
  });

  it('without a path, or a path outside the workspace (`io::Builder`), every namesake stays', () => {
    assert.deepEqual(members('fn f(b: &mut Builder) {\n    b.'), ['compaction', 'framing', 'keep_alive']);
    assert.deepEqual(members('fn f(b: &mut io::Builder) {\n    b.'), ['compaction', 'framing', 'keep_alive']);
    // The same crate path when the crate is outside the workspace (its import names no files).
    const outside: ResolvedImport[] = [
      { specifier: 'wire::Frame', kind: 'module', names: [{ imported: 'Frame', local: 'Frame' }], line: 1, files: [] },
    ];
    assert.equal(members('use wire::Frame;\nfn main() {\n    let mut b = wire::Builder::new();\n    b.', outside).length, 3);
  });
});
