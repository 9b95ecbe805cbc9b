import assert from 'node:assert/strict';
import { goElementWanted, goFieldWanted, structFieldType } from '../../../../daemon/context/go-fields';
import { goMemberWanted } from '../../../../daemon/context/go-results';
import { goValueWanted, type GoValueIndex } from '../../../../daemon/context/go-values';
import type { ChunkRow } from '../../../../daemon/context/index-store';
import type { DefinitionSite } from '../../../../daemon/context/syntax/facts';

const OPTS = [
  'type CounterOpts struct {',
  '\t// Name is the metric name.',
  '\tName string',
  '\tNamespace, Subsystem string',
  '\tConstLabels Labels `json:"labels"`',
  '\tOnError func(error) // called on errors',
  '}',
].join('\n');

/** An index holding `CounterOpts` in prometheus/ and a `Case` struct in pkg/. */
function index(): GoValueIndex {
  const rows = new Map<number, ChunkRow>();
  const sites: DefinitionSite[] = [];
  const add = (name: string, path: string, text: string) => {
    const id = rows.size + 1;
    rows.set(id, {
      id,
      path,
      language: 'go',
      startLine: 3,
      endLine: 3 + text.split('\n').length,
      hash: 'h',
      symbols: [name],
      text,
      context: '',
    });
    sites.push({ name, kind: 'type', path, line: 3, chunkId: id });
  };
  add('CounterOpts', 'prometheus/counter.go', OPTS);
  add('Case', 'pkg/cases.go', 'type Case struct {\n\tMode Mode\n}');
  return {
    chunks: (ids) => new Map(ids.flatMap((id) => (rows.has(id) ? [[id, rows.get(id)!] as const] : []))),
    definitions: (name) => sites.filter((s) => s.name === name),
  };
}

describe("context/go-fields: a composite literal's keyed element takes its field's type", () => {
  it('reads a field of a struct declaration, grouped names and tags and comments included', () => {
    const lines = OPTS.split('\n');
    assert.equal(structFieldType(lines, 'Name'), 'string');
    assert.equal(structFieldType(lines, 'Subsystem'), 'string');
    assert.equal(structFieldType(lines, 'ConstLabels'), 'Labels');
    assert.equal(structFieldType(lines, 'OnError'), 'func(error)');
    assert.equal(structFieldType(lines, 'Missing'), undefined);
    assert.equal(structFieldType(['type Mode int'], 'Name'), undefined);
  });

  it('`pkg.T{\\n\\tField: |` and an element with its type elided (`[]T{\\n\\t{\\n\\t\\tField: |`)', () => {
    const ix = index();
    const head = 'func f() {\n\tc := prometheus.NewCounter(prometheus.CounterOpts{\n\t\tName: "requests", // "{"\n';
    // The package's `Labels` is `prometheus.Labels` where the document writes it (go-qualified.ts).
    assert.equal(goFieldWanted(`${head}\t\tConstLabels: `, '\t\tConstLabels: ', 'promhttp/a.go', ix), 'prometheus.Labels');
    assert.deepEqual(goValueWanted(`${head}\t\tConstLabels: `, 'promhttp/a.go', ix, false), { type: 'prometheus.Labels' });
    // After a package's name too: `ConstLabels: prometheus.|`.
    assert.deepEqual(goMemberWanted(`${head}\t\tConstLabels: prometheus.`, ix, 'promhttp/a.go'), { type: 'prometheus.Labels' });
    const cases = 'func TestMode(t *testing.T) {\n\tfor _, c := range []Case{\n\t\t{\n\t\t\t';
    assert.deepEqual(goValueWanted(`${cases}Mode: `, 'pkg/cases_test.go', ix, false), { type: 'Mode' });
    // A function type or `any` says nothing of what fits there.
    assert.equal(goFieldWanted(`${head}\t\tOnError: `, '\t\tOnError: ', 'promhttp/a.go', ix), undefined);
    // Not a literal's element: a label, a case, a literal of an unknown type.
    assert.equal(goFieldWanted('func f() {\n\tswitch x {\n\tdefault: ', '\tdefault: ', 'pkg/a.go', ix), undefined);
    assert.equal(goFieldWanted('func f() {\n\tx := Unknown{\n\t\tMode: ', '\t\tMode: ', 'pkg/a.go', ix), undefined);
  });

  it("an element of a slice or array literal takes the literal's element type", () => {
    const ix = index();
    const regs = 'func init() {\n\tcs := []prometheus.Collector{\n\t\tnewCounter("a, b", f(x, y)),\n\t\t';
    assert.equal(goElementWanted(regs, '\t\t'), 'prometheus.Collector');
    assert.deepEqual(goValueWanted(regs, 'pkg/a.go', ix, false), { type: 'prometheus.Collector' });
    assert.equal(goElementWanted('func f() {\n\tps := []*Param{a, ', '\tps := []*Param{a, '), '*Param');
    assert.equal(goElementWanted('var xs = [3]Mode{', 'var xs = [3]Mode{'), 'Mode');
    // Inside an element's call, a map's key, a generic type's literal, a struct's field, an elided element's `{`: no element of the slice.
    assert.equal(goElementWanted('func f() {\n\tcs := []Collector{newCounter(a, ', '\tcs := []Collector{newCounter(a, '), undefined);
    assert.equal(goElementWanted('var m = map[string]Mode{', 'var m = map[string]Mode{'), undefined);
    assert.equal(goElementWanted('var s = Set[int]{', 'var s = Set[int]{'), undefined);
    assert.equal(goElementWanted('var xs = []any{', 'var xs = []any{'), undefined);
    assert.equal(goElementWanted('func f() {\n\tfor _, c := range []Case{a, b} {\n\t\t', '\t\t'), undefined);
    assert.equal(goElementWanted('func f() {\n\tx := Case{\n\t\t', '\t\t'), undefined);
  });
});
