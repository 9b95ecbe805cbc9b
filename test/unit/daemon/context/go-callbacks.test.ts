import assert from 'node:assert/strict';
import { goCallbackParameterType } from '../../../../daemon/context/go-callbacks';
import type { GoValueIndex } from '../../../../daemon/context/go-values';
import type { ChunkRow } from '../../../../daemon/context/index-store';
import type { DefinitionSite } from '../../../../daemon/context/syntax/facts';

/** Definitions each declared on the first line of a chunk of its own. */
function indexOf(defs: Array<[name: string, kind: string, text: string]>): GoValueIndex {
  const rows = new Map<number, ChunkRow>();
  const sites: DefinitionSite[] = defs.map(([name, kind, text], i) => {
    rows.set(i + 1, { id: i + 1, path: 'g/a.go', language: 'go', startLine: 1, endLine: 1, hash: 'h', symbols: [name], text, context: '' });
    return { name, kind, path: 'g/a.go', line: 1, chunkId: i + 1 };
  });
  return {
    chunks: (ids) => new Map(ids.filter((i) => rows.has(i)).map((i) => [i, rows.get(i)!])),
    definitions: (name) => sites.filter((s) => s.name === name),
  };
}

describe('context/go-callbacks: a Go function literal parameter typed by where the literal goes', () => {
  const index = indexOf([
    ['GET', 'method', 'func (group *RouterGroup) GET(relativePath string, handlers ...HandlerFunc) IRoutes {'],
    ['HandlerFunc', 'type', 'type HandlerFunc func(*Context)'],
    ['Walk', 'function', 'func Walk(root *Node, visit func(n *Node, depth int) bool) {'],
    ['Use', 'method', 'func (e *Engine) Use(middleware ...gin.HandlerFunc) IRoutes {'],
  ]);

  it("a named function type's parameter, through a variadic parameter of a method", () => {
    assert.equal(goCallbackParameterType('\trouter.GET("/a,b", func(c *', index), '*Context');
    assert.equal(goCallbackParameterType('\tr.Use(func(c ', index), '*Context');
  });

  it("a function type written in the callee's declaration, by the literal's parameter position", () => {
    assert.equal(goCallbackParameterType('\tWalk(root, func(n *', index), '*Node');
    assert.equal(goCallbackParameterType('\tWalk(root, func(n *Node, d ', index), 'int');
  });

  it('says nothing outside a literal passed to a call the workspace declares', () => {
    assert.equal(goCallbackParameterType('func handle(c *', index), undefined);
    assert.equal(goCallbackParameterType('\tother.Do(func(c *', index), undefined);
    assert.equal(goCallbackParameterType('\tf := func(c *', index), undefined);
  });
});
