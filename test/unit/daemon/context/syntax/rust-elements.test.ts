import * as assert from 'node:assert/strict';
import { elementOf } from '../../../../../daemon/context/syntax/rust-elements';

describe('context/syntax/rust-elements: the element type of a Rust collection type', () => {
  it('vectors, slices, arrays, sets, options, iterators, through references and boxes', () => {
    assert.equal(elementOf('Vec<Conn>'), 'Conn');
    assert.equal(elementOf("&'a mut VecDeque<Box<Job>>"), 'Box<Job>');
    assert.equal(elementOf('&[Item]'), 'Item');
    assert.equal(elementOf('[Item; 4]'), 'Item');
    assert.equal(elementOf('std::collections::BTreeSet<Name>'), 'Name');
    assert.equal(elementOf('Option<Conn>'), 'Conn');
    assert.equal(elementOf("impl Iterator<Item = &'_ Stats> + '_"), "&'_ Stats");
    assert.equal(elementOf('Box<dyn Iterator<Item = Stats>>'), 'Stats');
    assert.equal(elementOf('Box<[Item]>'), 'Item');
    assert.equal(elementOf("std::slice::Iter<'a, Item>"), 'Item');
  });

  it('not a collection: undefined (a map, a plain type, a string)', () => {
    assert.equal(elementOf('HashMap<K, V>'), undefined);
    assert.equal(elementOf('Conn'), undefined);
    assert.equal(elementOf('String'), undefined);
  });
});
