import assert from 'node:assert/strict';
import { goPositionKind } from '../../../../daemon/context/go-position';

describe('context/go-position: the kind of name a Go position takes', () => {
  it('a type after a declared name, a receiver or parameter, `[]`, `map[K]`, `chan`, a conversion or an assertion', () => {
    for (const line of [
      'var _ ',
      '\tvar a, b *',
      'func (c *',
      '\trouter.GET("/x", func(c *',
      'func f(w io.Writer, r *',
      'func f(a int) ',
      '\tskipped *[]',
      '\tm := make(map[string]',
      '\tch := make(chan ',
      '\t_ Render = (*',
      '\tv, ok := x.(',
      '\tHeader  ',
      'type Handler ',
    ])
      assert.equal(goPositionKind(line), 'type', JSON.stringify(line));
  });

  it('nothing said where a value may be a composite literal or a conversion as well as a function or variable', () => {
    for (const line of [
      '\treturn ',
      '\terr := ',
      '\tx := ',
      '\tif ',
      '\tf(a, ',
      '\tdefer ',
      '\tgo ',
      '\tcase ',
      'Header  Binding = ',
      '\tx := a *',
    ])
      assert.equal(goPositionKind(line), 'any', JSON.stringify(line));
  });
});
