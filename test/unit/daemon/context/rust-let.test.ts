import assert from 'node:assert/strict';
import { importsRetriever, type ImportSignals } from '../../../../daemon/context/imports-retriever';
import { letBoundName } from '../../../../daemon/context/rust-let';
import { loadGrammar } from '../../../../daemon/context/syntax/grammars';
import { memoryIndex, type MemoryIndex } from './memory-index';

describe('context/rust-let: the name a `let` binds the member being typed to', () => {
  it('a plain let on the cursor line, with mut and a type; not a pattern, a second `=` or another statement', () => {
    assert.equal(letBoundName('fn f(args: &HiArgs) {\n    let _index = args.'), '_index');
    assert.equal(letBoundName('    let mut regex: Regex = chir.'), 'regex');
    assert.equal(letBoundName('    let (gi, err) = builder.'), undefined);
    assert.equal(letBoundName('    let var = format!("{name}", name = cat.'), undefined);
    assert.equal(letBoundName('    let x = 1; y.'), undefined);
    assert.equal(letBoundName('    let x = 1;\n    args.'), undefined);
  });

  it('`name = receiver.` starting the line: a reassignment, a format argument on a line of its own', () => {
    assert.equal(letBoundName('        "{lines} lines",\n        lines = stats.'), 'lines');
    assert.equal(letBoundName('    regex = chir.'), 'regex');
    assert.equal(letBoundName('    self.lines = stats.'), undefined);
    assert.equal(letBoundName('    total += stats.'), undefined);
    assert.equal(letBoundName('    a == stats.'), undefined);
    assert.equal(letBoundName('    Some(x) => stats.'), undefined);
  });

  describe('Rust member ranking', () => {
    let index: MemoryIndex;
    before(async () => {
      await loadGrammar('rust');
      const method = (name: string, line: number) => ({
        startLine: line,
        text: `    pub fn ${name}(&self) -> usize {\n        0\n    }`,
        symbols: [{ name, line, kind: 'method' as const, container: 'Args' }],
      });
      index = memoryIndex('/repo', {
        'src/args.rs': [
          { startLine: 1, text: 'pub struct Args {\n    n: usize,\n}', symbols: [{ name: 'Args', line: 1, kind: 'struct' }] },
          method('threads', 5),
          method('index_read', 9),
          method('quiet', 13),
          {
            startLine: 17,
            text: '    pub fn parse(raw: &str) -> Args {\n        todo!()\n    }',
            symbols: [{ name: 'parse', line: 17, kind: 'method' as const, container: 'Args' }],
          },
          {
            startLine: 21,
            text: '    pub fn handshake(&self) -> frame::Settings {\n        todo!()\n    }',
            symbols: [{ name: 'handshake', line: 21, kind: 'method' as const, container: 'Args' }],
          },
          {
            startLine: 25,
            text: '    pub fn snapshot(&self) -> ArgsSnapshot {\n        todo!()\n    }',
            symbols: [{ name: 'snapshot', line: 25, kind: 'method' as const, container: 'Args' }],
          },
        ],
        'src/main.rs': [{ startLine: 1, text: 'fn main() {}' }],
      });
    });
    after(() => index.close());

    const placed = (prefix: string, suffix = '') => {
      const out: ImportSignals = { files: new Set(), placed: new Map() };
      importsRetriever(index, { rel: 'src/main.rs', language: 'rust', prefix, suffix, queryWindow: prefix }, out);
      return [...out.placed.keys()].map((id) => index.where(id));
    };

    it('`let index = args.`: the member named like the binding first, ahead of one the file uses below', () => {
      const head = 'use crate::args::Args;\n\nfn read(args: &Args) {\n';
      const suffix = '\n    if args.threads() == 1 {}\n}\n';
      assert.equal(placed(`${head}    let n = args.`, suffix)[0], 'src/args.rs:5');
      assert.equal(placed(`${head}    let _index = args.`, suffix)[0], 'src/args.rs:9');
    });

    it('`let settings = args.`: a member returning what the binding is named for counts as named like it', () => {
      const head = 'use crate::args::Args;\n\nfn read(args: &Args) {\n';
      const suffix = '\n    if args.threads() == 1 {}\n}\n';
      assert.equal(placed(`${head}    let settings = args.`, suffix)[0], 'src/args.rs:21');
      // A binding named after the receiver (`args2`) says nothing of the member: `-> ArgsSnapshot` is not it.
      assert.equal(placed(`${head}    let args2 = args.`, suffix)[0], 'src/args.rs:5');
    });

    it('`Self::` in an impl: associated functions before methods on a value', () => {
      const prefix = 'impl Args {\n    fn default_args() -> Args {\n        Self::';
      assert.equal(placed(prefix, '\n    }\n}\n')[0], 'src/args.rs:17');
      assert.notEqual(placed('fn f(args: &Args) {\n    let n = args.', '\n}\n')[0], 'src/args.rs:17');
    });
  });
});
