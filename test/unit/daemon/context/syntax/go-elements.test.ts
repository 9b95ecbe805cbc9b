import assert from 'node:assert/strict';
import { goElementOf, goNamesMembers, goRangesElements } from '../../../../../daemon/context/syntax/go-elements';

describe('context/syntax/go-elements: what indexing, ranging and receiving hand out in Go', () => {
  it("a slice's or an array's element, a map's value or key, a channel's element", () => {
    assert.equal(goElementOf('[]*Metric'), '*Metric');
    assert.equal(goElementOf('[4]Metric'), 'Metric');
    assert.equal(goElementOf('*[4]Metric'), 'Metric');
    assert.equal(goElementOf('[][]byte'), '[]byte');
    assert.equal(goElementOf('map[string]*Metric'), '*Metric');
    assert.equal(goElementOf('map[Key][]Metric'), '[]Metric');
    assert.equal(goElementOf('map[[2]int]Metric'), 'Metric');
    assert.equal(goElementOf('map[Key]Metric', true), 'Key');
    assert.equal(goElementOf('chan *Metric'), '*Metric');
    assert.equal(goElementOf('<-chan Metric'), 'Metric');
    assert.equal(goElementOf('chan<- Metric'), 'Metric');
    // Not a collection, or an index.
    assert.equal(goElementOf('*Metric'), undefined);
    assert.equal(goElementOf('List[Metric]'), undefined);
    assert.equal(goElementOf('[]Metric', true), undefined);
    assert.equal(goRangesElements('chan T'), true);
    assert.equal(goRangesElements('map[K]V'), false);
  });

  it('a slice, array, map, channel or function type names no members; a named type or its pointer does', () => {
    assert.equal(goNamesMembers('*Metric'), true);
    assert.equal(goNamesMembers('pkg.Metric'), true);
    for (const t of ['[]*Metric', '[4]Metric', '*[4]Metric', 'map[string]Metric', 'chan Metric', '<-chan Metric', 'func() Metric'])
      assert.equal(goNamesMembers(t), false, t);
  });
});
