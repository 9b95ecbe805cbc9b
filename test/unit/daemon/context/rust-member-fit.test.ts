import assert from 'node:assert/strict';
import type { ChunkRow } from '../../../../daemon/context/index-store';
import { memberDeclaration } from '../../../../daemon/context/member-fit';
import { rustMemberMismatch, rustMemberWanted, rustSignature } from '../../../../daemon/context/rust-member-fit';
import type { DefinitionSite } from '../../../../daemon/context/syntax/facts';

/** A member `name` declared on `line` (1-based) of a chunk of Rust starting at line 10. */
function member(text: string, name: string, line: number, kind = 'method'): [DefinitionSite, ChunkRow] {
  const row: ChunkRow = {
    id: 1,
    path: 'src/a.rs',
    language: 'rust',
    startLine: 10,
    endLine: 99,
    hash: 'h',
    symbols: [name],
    text,
    context: '',
  };
  return [{ name, kind, path: 'src/a.rs', line, chunkId: 1, container: 'Builder' }, row];
}

const BUILDER = [
  'impl Builder {',
  '    pub fn build_many<P: AsRef<str>>(',
  '        &self,',
  '        patterns: &[P],',
  '    ) -> Result<RegexMatcher, Error> {',
  '    }',
  '    pub fn dotall(&mut self, yes: bool) -> &mut Builder {',
  '    }',
  '    pub fn new() -> Builder {',
  '    }',
  '    pub fn build_global(&self) -> (Gitignore, Option<Error>) {',
  '    }',
  '    pub fn add_line(&mut self, line: &str) -> Result<&mut Self, Error> {',
  '    }',
  '    pub fn flush(&mut self) -> io::Result<()> {',
  '    }',
  '    pub fn push<F>(&mut self, f: F)',
  '    where',
  '        F: Fn() -> bool,',
  '    {',
  '    }',
  '    pub fn with_limit(self, n: usize) -> Result<Self, Error> {',
  '    }',
  '    pub fn is_empty(',
  '        &self,',
  '    ) -> bool {',
  '    }',
  '}',
].join('\n');
/** The file line of `fn name` in BUILDER (its chunk starts at line 10). */
const at = (name: string) => 10 + BUILDER.split('\n').findIndex((l) => l.includes(`fn ${name}`));

describe('context/rust-member-fit', () => {
  it('reads a signature across its lines: generics with bounds, `self`, the result up to `where` or the body', () => {
    assert.deepEqual(rustSignature(BUILDER, 'build_many'), { self: true, returns: 'Result<RegexMatcher, Error>' });
    assert.deepEqual(rustSignature(BUILDER, 'new'), { self: false, returns: 'Builder' });
    assert.deepEqual(rustSignature(BUILDER, 'push'), { self: true });
    assert.deepEqual(rustSignature(BUILDER, 'build_global'), { self: true, returns: '(Gitignore, Option<Error>)' });
    assert.deepEqual(rustSignature("fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {", 'poll'), {
      self: true,
      returns: 'Poll<()>',
    });
  });

  it('member-fit reads a multi-line Rust declaration: an instance method, a boolean result', () => {
    const d = memberDeclaration(...member(BUILDER, 'build_many', at('build_many')));
    assert.equal(d.level, 'instance');
    assert.equal(d.returnsNothing, false);
    assert.equal(memberDeclaration(...member(BUILDER, 'is_empty', at('is_empty'))).boolish, true);
    assert.equal(memberDeclaration(...member(BUILDER, 'new', at('new'))).level, 'type');
    assert.equal(memberDeclaration(...member(BUILDER, 'push', at('push'))).returnsNothing, true);
  });

  it("a statement: `x.` starting a line after `;` or `{`, not a block's last line nor a continued expression", () => {
    assert.deepEqual(rustMemberWanted('fn f(b: &mut Builder) {\n    b.utf(true);\n    b.', '\n    b.build()\n}'), { statement: true });
    assert.deepEqual(rustMemberWanted('if yes {\n    // set it\n    b.', '\n    x();\n}'), { statement: true });
    assert.equal(rustMemberWanted('fn f(&self) -> bool {\n    self.', '\n}'), undefined);
    // The last line of a loop's or an `if`'s body is a statement still; of `let v = if … {`, a value.
    assert.deepEqual(rustMemberWanted('    if self.multiline {\n        b.', '\n    }\n'), { statement: true });
    assert.deepEqual(rustMemberWanted('    } else {\n        b.', '\n    }\n'), { statement: true });
    assert.equal(rustMemberWanted('    let v = if yes {\n        b.', '\n    }\n'), undefined);
    // The block's opener, however many statements above.
    const ifLet = '    if let Some(ref mut stats) = self.stats {\n        stats.add(1);\n        if x { y(); }\n        stats.';
    assert.deepEqual(rustMemberWanted(ifLet, '\n    }\n'), { statement: true });
    assert.equal(rustMemberWanted('    let n = {\n        stats.add(1);\n        stats.', '\n    };\n'), undefined);
    assert.equal(rustMemberWanted('let x =\n    b.', '\nfoo();'), undefined);
    assert.equal(rustMemberWanted('let x = b.', '\nfoo();'), undefined);
    // The chain goes on on the next line: what the member returns is awaited or unwrapped there, not dropped.
    assert.equal(rustMemberWanted('    x();\n    h2.', '\n        .await;\n}'), undefined);
    assert.equal(rustMemberWanted('    x();\n    h2.', '\n        ?;\n}'), undefined);
  });

  it('a statement calls a method for its effect: nothing, `&mut Self`, `Result<()>`; not one returning a value', () => {
    const wanted = { statement: true };
    const miss = (name: string) => rustMemberMismatch(...member(BUILDER, name, at(name)), wanted);
    assert.equal(miss('dotall'), 0);
    assert.equal(miss('push'), 0);
    assert.equal(miss('flush'), 0);
    assert.equal(miss('add_line'), 0);
    assert.equal(miss('build_many'), 1);
    assert.equal(miss('build_global'), 1);
    assert.equal(miss('is_empty'), 1);
  });

  it('`let (a, b) = x.` takes a member returning a tuple of that many parts (inside a Result too), not a type', () => {
    const wanted = rustMemberWanted('fn f() {\n    let (gi, err) = builder.', '\n}');
    assert.deepEqual(wanted, { statement: false, tuple: 2 });
    const miss = (name: string) => rustMemberMismatch(...member(BUILDER, name, at(name)), wanted!);
    assert.equal(miss('build_global'), 0);
    assert.equal(miss('build_many'), 1);
    assert.equal(miss('push'), 1);
    const tupled = 'pub fn setup(name: &str) -> Result<(Dir, TestCommand), Error> {\n}';
    assert.equal(rustMemberMismatch(...member(tupled, 'setup', 10, 'function'), { statement: false, tuple: 2 }), 0);
    assert.equal(rustMemberMismatch(...member(tupled, 'setup', 10, 'function'), { statement: false, tuple: 3 }), 1);
    assert.equal(rustMemberMismatch(...member('pub struct Dir {', 'Dir', 10, 'struct'), wanted!), 1);
    assert.equal(rustMemberMismatch(...member('pub const PAIR: (u8, u8) = (1, 2);', 'PAIR', 10, 'constant'), wanted!), 0);
    assert.equal(rustMemberWanted('let (x) = b.', ''), undefined);
  });

  it("`x = x.` replaces the receiver: a member returning its own type (`Self`, the impl's type, inside a Result)", () => {
    const wanted = rustMemberWanted('    if yes {\n        chir = chir.', '\n    }\n');
    assert.deepEqual(wanted, { statement: false, same: true });
    assert.deepEqual(rustMemberWanted('    *line = line.', '\n'), { statement: false, same: true });
    assert.equal(rustMemberWanted('    other = line.', '\n'), undefined);
    const miss = (name: string) => rustMemberMismatch(...member(BUILDER, name, at(name)), wanted!);
    assert.equal(miss('new'), 0);
    assert.equal(miss('with_limit'), 0);
    // A borrow of it is not it.
    assert.equal(miss('dotall'), 1);
    assert.equal(miss('add_line'), 1);
    assert.equal(miss('build_many'), 1);
    assert.equal(miss('push'), 1);
  });

  it('`ready!(x.` and `poll_fn(|cx| x.` take a `Poll<…>`: a method returning one; a field may lead on', () => {
    const wanted = rustMemberWanted('    fn poll(&mut self) {\n        ready!(self.inner.', '(cx))?;\n    }\n');
    assert.deepEqual(wanted, { statement: false, poll: true });
    assert.deepEqual(rustMemberWanted('    poll_fn(move |cx| srv.', '(cx)).await;\n'), { statement: false, poll: true });
    assert.deepEqual(rustMemberWanted('    futures_util::ready!(io.', '(cx))?;\n'), { statement: false, poll: true });
    const conn = [
      'impl Conn {',
      "    pub fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<crate::Result<()>> {",
      '    }',
      "    pub fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> std::task::Poll<()> {",
      '    }',
      '    pub fn is_ready(&self) -> bool {',
      '    }',
      '    pub fn close(&mut self) {',
      '    }',
      '}',
    ].join('\n');
    const miss = (name: string, kind = 'method') =>
      rustMemberMismatch(...member(conn, name, 10 + conn.split('\n').findIndex((l) => l.includes(`fn ${name}`)), kind), wanted!);
    assert.equal(miss('poll_ready'), 0);
    assert.equal(miss('poll_flush'), 0);
    assert.equal(miss('is_ready'), 1);
    assert.equal(miss('close'), 1);
    assert.equal(rustMemberMismatch(...member('pub struct Conn {\n    io: Io,\n}', 'io', 11, 'field'), wanted!), 0);
  });
});
