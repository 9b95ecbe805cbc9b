import * as assert from 'node:assert/strict';
import { rustDerefTarget, rustSupertraits } from '../../../../../daemon/context/syntax/rust-impls';

describe('context/syntax/rust-impls: supertraits and Deref targets', () => {
  it('supertraits: paths and generics kept to their names; lifetimes, ?Sized and the where clause left out', () => {
    assert.deepEqual(rustSupertraits("pub trait Sink: io::Write + Send + 'static {", 'Sink'), ['Write', 'Send']);
    assert.deepEqual(rustSupertraits('trait A<T>: B<T> + ?Sized where T: C {', 'A'), ['B']);
    assert.deepEqual(rustSupertraits('pub trait Plain {', 'Plain'), []);
  });

  it('a Deref target from `type Target`, else from what `deref` returns (not `&Self::Target`)', () => {
    assert.equal(rustDerefTarget(['impl Deref for G {\n    type Target = Vec<Token>;\n}']), 'Vec<Token>');
    assert.equal(rustDerefTarget(['    fn deref(&self) -> &Inner {\n        &self.0\n    }']), 'Inner');
    assert.equal(rustDerefTarget(['    fn deref(&self) -> &Self::Target {\n        &self.0\n    }']), undefined);
  });
});
