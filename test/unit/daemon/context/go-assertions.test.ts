import assert from 'node:assert/strict';
import { goAssertionMethods, goAssertionMismatch } from '../../../../daemon/context/go-assertions';
import { goResultFit } from '../../../../daemon/context/go-results';
import type { ChunkRow } from '../../../../daemon/context/index-store';

const before = `package binding

type headerBinding struct{}

func (headerBinding) Bind(req *http.Request, obj any) error {
	return nil
}

type headerSource map[string][]string

var _ `;
const after = ` setter = headerSource(nil)

func (hs headerSource) TrySet(value reflect.Value, field reflect.StructField, tag string) (bool, error) {
	return setByForm(value, field, hs, tag)
}
`;

const rows = new Map<number, ChunkRow>();
const entry = (id: number, name: string, kind: string, text: string) => {
  rows.set(id, {
    id,
    path: 'binding/form_mapping.go',
    language: 'go',
    startLine: 1,
    endLine: 9,
    hash: 'h',
    symbols: [name],
    text,
    context: '',
  });
  return { site: { name, kind, path: 'binding/form_mapping.go', line: 1, chunkId: id }, key: [0, 0, id] };
};
const candidates = () => [
  entry(1, 'setOptions', 'type', 'type setOptions struct {\n\tisDefaultExists bool\n}'),
  entry(2, 'Binding', 'interface', 'type Binding interface {\n\tName() string\n\tBind(*http.Request, any) error\n}'),
  entry(3, 'BindUnmarshaler', 'interface', 'type BindUnmarshaler interface {\n\tUnmarshalParam(param string) error\n}'),
  entry(4, 'setter', 'interface', 'type setter interface {\n\tTrySet(value reflect.Value, field reflect.StructField) (bool, error)\n}'),
];

describe('context/go-assertions: `var _ |`, the interface a type of the file implements', () => {
  it('reads the methods the document declares below and above, at a blank-identifier assertion only', () => {
    const m = goAssertionMethods('var _ ', before, after);
    assert.deepEqual(m && { after: [...m.after], before: [...m.before] }, { after: ['TrySet'], before: ['Bind'] });
    assert.ok(goAssertionMethods('\t_ ', before, after));
    assert.equal(goAssertionMethods('var x ', before, after), undefined);
  });

  it('an interface listing a method declared below, then one declared above, then other interfaces, then the rest', () => {
    const methods = goAssertionMethods('var _ ', before, after)!;
    const fit = candidates().map((c) => goAssertionMismatch(c.site, rows.get(c.site.chunkId)!, methods));
    assert.deepEqual(fit, [3, 1, 2, 0]);
  });

  it('orders the package names so', () => {
    const index = { chunks: (ids: number[]) => new Map(ids.map((i) => [i, rows.get(i)!])), definitions: () => [] };
    const order = (a: { key: number[] }, b: { key: number[] }) => a.key[1] - b.key[1] || a.key[2] - b.key[2];
    const names = goResultFit(index, 'binding/header.go', candidates(), before, order, {
      asserted: goAssertionMethods('var _ ', before, after)!,
    }).map((r) => r.site.name);
    assert.deepEqual(names, ['setter', 'Binding', 'BindUnmarshaler', 'setOptions']);
  });
});
