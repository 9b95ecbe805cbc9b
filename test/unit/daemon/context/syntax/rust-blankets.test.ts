import assert from 'node:assert/strict';
import { contentHash } from '../../../../../daemon/context/chunker';
import { join } from 'node:path';
import { analyzeForIndex } from '../../../../../daemon/context/file-analysis';
import { IndexStore, SCHEMA_VERSION } from '../../../../../daemon/context/index-store';
import { rustBlanketImpls, rustBlanketsOfChunks, rustTraitsImplemented } from '../../../../../daemon/context/syntax/rust-blankets';
import { reopenAsSchema, tempDir } from '../helpers';
import { memoryIndex } from '../memory-index';

describe('context/syntax/rust-blankets: blanket impls and the traits an impl implements for a type', () => {
  it('a blanket impl: the trait and the bounds of its type parameter, in the generics or the where clause', () => {
    assert.deepEqual(rustBlanketImpls('impl<T: ?Sized, Request> ServiceExt<Request> for T where T: tower_service::Service<Request> {}'), [
      { trait: 'ServiceExt', bounds: ['Service'] },
    ]);
    assert.deepEqual(rustBlanketImpls('impl<F: Future + ?Sized> FutureExt for F {}'), [{ trait: 'FutureExt', bounds: ['Future'] }]);
    assert.deepEqual(rustBlanketImpls("impl<R, T> CloneService<R> for T\nwhere\n    T: Service<R> + Send + Clone + 'static,\n{"), [
      { trait: 'CloneService', bounds: ['Service', 'Send', 'Clone'] },
    ]);
  });

  it('an impl for a named type, or for a parameter the impl does not declare, is no blanket impl', () => {
    assert.deepEqual(rustBlanketImpls('impl<S> Layer<S> for TimeoutLayer {'), []);
    assert.deepEqual(rustBlanketImpls('impl<S, R> Service<R> for Timeout<S> where S: Service<R> {'), []);
    assert.deepEqual(rustBlanketImpls('impl<S> Layer<S> for T {'), []);
    assert.deepEqual(rustBlanketImpls('impl<T> Marker for T {}'), []);
  });

  it('the traits impls implement for a type', () => {
    const text = 'impl<S, R> Service<R> for Timeout<S> where S: Service<R> {\n}\nimpl fmt::Debug for Timeout {\n}\nimpl Timeout {\n}';
    assert.deepEqual(rustTraitsImplemented(text, 'Timeout'), ['Service', 'Debug']);
    assert.deepEqual(rustTraitsImplemented(text, 'Other'), []);
  });

  it("a Rust file's blanket impls are found when it is indexed (in the analysis, beside its chunks)", () => {
    const text = [
      'pub trait FutureExt: Future {',
      '    fn boxed(self) -> Box<Self> {',
      '        Box::new(self)',
      '    }',
      '}',
      '',
      'impl<F: Future + ?Sized> FutureExt for F {}',
      '',
      'impl<S> Layer<S> for TimeoutLayer {',
      '    type Service = Timeout<S>;',
      '}',
      '',
    ].join('\n');
    const analysis = analyzeForIndex({ text, language: 'rust', chunk: { maxLines: 40, maxChars: 4000 } });
    assert.deepEqual(analysis.syntax.rustBlankets, [{ trait: 'FutureExt', bounds: ['Future'] }]);
    assert.equal(analyzeForIndex({ text, language: 'go', chunk: { maxLines: 40, maxChars: 4000 } }).syntax.rustBlankets, undefined);
  });

  it("the index's blanket impls: those its files were indexed with, replaced when a file changes or goes", () => {
    const index = memoryIndex('/repo', {
      'src/ext.rs': [{ startLine: 1, text: 'impl<F: Future + ?Sized> FutureExt for F {}' }],
      'src/other.rs': [{ startLine: 1, text: 'pub fn other() {}', symbols: ['other'] }],
    });
    const replace = (path: string, text: string, generation: number) => {
      const chunks = [{ startLine: 1, endLine: 1, text, hash: contentHash(text), symbols: [] }];
      const file = { path, hash: contentHash(text), size: 1, mtimeMs: generation, language: 'rust' };
      index.store.replaceFile(file, chunks, generation, { imports: [], rustBlankets: rustBlanketsOfChunks(chunks) });
    };
    try {
      const traits = () => (index.syntax.rustBlankets?.() ?? []).map((b) => b.trait).sort();
      assert.deepEqual(traits(), ['FutureExt']);
      replace('src/other.rs', 'impl<S: Service<R>, R> ServiceExt<R> for S {}', 2);
      assert.deepEqual(traits(), ['FutureExt', 'ServiceExt']);
      assert.deepEqual(index.syntax.rustBlankets?.().find((b) => b.trait === 'ServiceExt')?.bounds, ['Service']);
      replace('src/ext.rs', 'pub fn x() {}', 3);
      assert.deepEqual(traits(), ['ServiceExt']);
      index.store.deleteFiles(['src/other.rs']);
      assert.deepEqual(traits(), []);
    } finally {
      index.close();
    }
  });

  it('an index of schema 5 (no blanket impls) is emptied when opened, so that the next walk records them', () => {
    const t = tempDir('rust-blankets');
    const file = join(t.dir, 'index.db');
    try {
      const store = new IndexStore(file);
      const text = 'impl<F: Future> FutureExt for F {}';
      store.replaceFile(
        { path: 'src/ext.rs', hash: contentHash(text), size: 1, mtimeMs: 1, language: 'rust' },
        [{ startLine: 1, endLine: 1, text, hash: contentHash(text), symbols: [] }],
        1,
      );
      store.close();
      // What schema 5 wrote: no rust_blankets table, and files indexed without their blanket impls.
      const reopened = reopenAsSchema(file, 5, 'DROP TABLE rust_blankets');
      try {
        assert.equal(reopened.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
        assert.deepEqual(reopened.counts(), { files: 0, chunks: 0 });
        assert.deepEqual(reopened.rustBlankets(10), []);
      } finally {
        reopened.close();
      }
    } finally {
      t.cleanup();
    }
  });
});
