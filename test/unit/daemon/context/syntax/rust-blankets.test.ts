import assert from 'node:assert/strict';
import { contentHash } from '../../../../../daemon/context/chunker';
import { rustBlanketImpls, rustTraitsImplemented } from '../../../../../daemon/context/syntax/rust-blankets';
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

  it("the index's blanket impls, read again for the files that change", () => {
    const index = memoryIndex('/repo', {
      'src/ext.rs': [{ startLine: 1, text: 'impl<F: Future + ?Sized> FutureExt for F {}' }],
      'src/other.rs': [{ startLine: 1, text: 'pub fn other() {}', symbols: ['other'] }],
    });
    try {
      const traits = () => (index.syntax.rustBlankets?.() ?? []).map((b) => b.trait).sort();
      assert.deepEqual(traits(), ['FutureExt']);
      const text = 'impl<S: Service<R>, R> ServiceExt<R> for S {}';
      const file = { path: 'src/other.rs', hash: contentHash(text), size: 1, mtimeMs: 2, language: 'rust' };
      index.store.replaceFile(file, [{ startLine: 1, endLine: 1, text, hash: contentHash(text), symbols: [] }], 2);
      assert.deepEqual(traits(), ['FutureExt', 'ServiceExt']);
      const gone = { path: 'src/ext.rs', hash: contentHash('x'), size: 1, mtimeMs: 2, language: 'rust' };
      index.store.replaceFile(gone, [{ startLine: 1, endLine: 1, text: 'pub fn x() {}', hash: contentHash('x'), symbols: [] }], 3);
      assert.deepEqual(traits(), ['ServiceExt']);
    } finally {
      index.close();
    }
  });
});
