import assert from 'node:assert/strict';
import { goResultFit } from '../../../../daemon/context/go-results';
import { goMembersUsedBelow, goOwners } from '../../../../daemon/context/go-uses';
import { goValueWanted, type GoValueIndex } from '../../../../daemon/context/go-values';
import type { ChunkRow } from '../../../../daemon/context/index-store';
import type { DefinitionSite } from '../../../../daemon/context/syntax/facts';

/** One chunk per definition, declared on its chunk's first line. */
function indexOf(defs: Array<[name: string, kind: string, text: string, container?: string]>): {
  index: GoValueIndex;
  sites: DefinitionSite[];
} {
  const rows = new Map<number, ChunkRow>();
  const sites = defs.map(([name, kind, text, container], i) => {
    const id = i + 1;
    rows.set(id, {
      id,
      path: 'pkg/a.go',
      language: 'go',
      startLine: 1,
      endLine: text.split('\n').length,
      hash: 'h',
      symbols: [name],
      text,
      context: '',
    });
    return { name, kind, path: 'pkg/a.go', line: 1, chunkId: id, ...(container ? { container } : {}) };
  });
  return {
    sites,
    index: {
      chunks: (ids) => new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id)!] as const] : []))),
      definitions: (name) => sites.filter((s) => s.name === name),
    },
  };
}

describe('context/go-uses: `x := |` with x.M used below takes a value of a type declaring M', () => {
  const { index, sites } = indexOf([
    ['newDesc', 'function', 'func newDesc(name string) *Desc {'],
    ['NewCounter', 'function', 'func NewCounter(opts CounterOpts) Counter {'],
    ['newEngine', 'function', 'func newEngine() *Engine {'],
    ['Counter', 'interface', 'type Counter interface {\n\tInc()\n}'],
    ['Inc', 'method', '\tInc()', 'Counter'],
    ['Engine', 'type', 'type Engine struct {\n\t*Group\n\tname string\n}'],
    ['Group', 'type', 'type Group struct {\n}'],
    ['GET', 'method', 'func (g *Group) GET(path string) {', 'Group'],
    ['Run', 'method', 'func (e *Engine) Run() {', 'Engine'],
    ['Handler', 'type', 'type Handler func(c *Counter)\n\tGroup\n}'],
    ['handler', 'function', 'func handler() Handler {'],
    ['Desc', 'type', 'type Desc struct {\n}'],
  ]);

  it('reads the members used through the name below, until the function ends or the name is bound again', () => {
    assert.deepEqual(goMembersUsedBelow('c', '\tc.Inc()\n\tc.Add(2) // c.Inc\n\tx.Set()\n}\nfunc g() {\n\tc.Reset()\n'), ['Inc', 'Add']);
    assert.deepEqual(goMembersUsedBelow('c', '\tc = other()\n\tc.Inc()\n'), []);
    assert.deepEqual(goOwners(['Inc'], index), [new Set(['Counter'])]);
    assert.deepEqual(goOwners(['Inc', 'GET'], index), [new Set(['Counter']), new Set(['Group'])]);
    // A member no type of the workspace declares: nothing known.
    assert.equal(goOwners(['Inc', 'Missing'], index), undefined);
  });

  it('orders the functions giving a type that declares (or embeds one declaring) what is used below first', () => {
    const order = (a: { key: number[] }, b: { key: number[] }) => a.key[1] - b.key[1] || a.key[2] - b.key[2];
    const fns = sites.filter((s) => s.kind === 'function');
    const fit = (before: string, after: string) => {
      const wanted = goValueWanted(before, 'pkg/a.go', index, false, after);
      const ranked = fns.map((s, i) => ({ site: s, key: [0, 0, i] }));
      return goResultFit(index, 'pkg/a.go', ranked, before, order, wanted).map((r) => r.site.name);
    };
    assert.deepEqual(fit('func f() {\n\tc := ', '\tc.Inc()\n}\n'), ['NewCounter', 'newDesc', 'newEngine', 'handler']);
    // GET is Group's, which Engine embeds (a function type's declaration embeds nothing).
    assert.deepEqual(fit('func f() {\n\tr := ', '\tr.GET("/")\n}\n'), ['newEngine', 'newDesc', 'NewCounter', 'handler']);
    // Run is Engine's own, GET its embedded Group's: no one type declares both, an Engine has both.
    assert.deepEqual(fit('func f() {\n\tr := ', '\tr.GET("/")\n\tr.Run()\n}\n'), ['newEngine', 'newDesc', 'NewCounter', 'handler']);
    // Nothing used below: the order stays.
    assert.deepEqual(fit('func f() {\n\tr := ', '}\n'), ['newDesc', 'NewCounter', 'newEngine', 'handler']);
  });
});

describe('context/go-results: a value wanted of a workspace interface', () => {
  it('a function giving a type that implements it, or an interface embedding it, fits; another type may; a struct wanted stays exact', () => {
    const { index: base, sites } = indexOf([
      ['Collector', 'interface', 'type Collector interface {\n\tDescribe(ch chan<- *Desc)\n\tCollect(ch chan<- Metric)\n}'],
      ['Counter', 'interface', 'type Counter interface {\n\tMetric\n\tCollector\n\tInc()\n}'],
      ['NewCounter', 'function', 'func NewCounter(opts CounterOpts) Counter {'],
      ['newCounter', 'function', 'func newCounter() *counter {'],
      ['newDesc', 'function', 'func newDesc(name string) *Desc {'],
      ['Desc', 'type', 'type Desc struct {\n}'],
      ['name', 'function', 'func name() string {'],
    ]);
    const index: GoValueIndex = { ...base, implementing: (iface) => (iface === 'Collector' ? new Set(['counter']) : undefined) };
    const order = (a: { key: number[] }, b: { key: number[] }) => a.key[1] - b.key[1] || a.key[2] - b.key[2];
    const fns = sites.filter((s) => s.kind === 'function');
    const ranked = (wanted: string) =>
      goResultFit(
        index,
        'pkg/a.go',
        fns.map((s, i) => ({ site: s, key: [0, 0, i] })),
        'func f() {\n\tx(',
        order,
        { type: wanted },
      ).map((r) => `${r.site.name}:${r.key[1]}`);
    assert.deepEqual(ranked('Collector'), ['NewCounter:0', 'newCounter:0', 'newDesc:1', 'name:1']);
    assert.deepEqual(ranked('*Desc'), ['newDesc:0', 'NewCounter:2', 'newCounter:2', 'name:2']);
  });

  it('a type of the package implementing it fits (`return &counter{…}`, `[]Collector{&counter{…}`), another type may', () => {
    const { index: base, sites } = indexOf([
      ['Collector', 'interface', 'type Collector interface {\n\tCollect(ch chan<- Metric)\n}'],
      ['Desc', 'type', 'type Desc struct {\n}'],
      ['counter', 'type', 'type counter struct {\n}'],
    ]);
    const index: GoValueIndex = { ...base, implementing: (iface) => (iface === 'Collector' ? new Set(['counter']) : undefined) };
    const order = (a: { key: number[] }, b: { key: number[] }) => a.key[1] - b.key[1] || a.key[2] - b.key[2];
    const types = () => sites.filter((s) => s.kind === 'type').map((s, i) => ({ site: s, key: [0, 0, i] }));
    const ranked = (wanted: string) =>
      goResultFit(index, 'pkg/a.go', types(), 'func f() Collector {\n\treturn ', order, { type: wanted }).map(
        (r) => `${r.site.name}:${r.key[1]}`,
      );
    assert.deepEqual(ranked('Collector'), ['counter:0', 'Desc:1']);
    assert.deepEqual(ranked('(Collector,error)'), ['counter:0', 'Desc:1']);
  });
});
