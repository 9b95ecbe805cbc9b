import * as assert from 'node:assert/strict';
import { goEmbeddedTypes } from '../../../../../daemon/context/syntax/go-embedded';

describe('context/syntax/go-embedded: the types a Go struct or interface embeds', () => {
  it('a struct: plain, pointer and qualified embedded types, with tags and comments; not its named fields', () => {
    const text = [
      '// Engine is the framework instance.',
      'type Engine struct {',
      '\tRouterGroup',
      '\t*pool.Pool `json:"-"` // shared',
      '\tsync.Mutex',
      '\tname, other string',
      '\ttrees methodTrees',
      '\tcb func() {',
      '\t}',
      '}',
      'type After struct {',
      '\tNotMine',
      '}',
    ].join('\n');
    assert.deepEqual(goEmbeddedTypes(text, 'Engine'), [
      { name: 'RouterGroup' },
      { qualifier: 'pool', name: 'Pool' },
      { qualifier: 'sync', name: 'Mutex' },
    ]);
  });

  it('an interface: embedded interfaces, not its methods or type unions; a generic type', () => {
    const text = 'type ResponseWriter interface {\n\thttp.Hijacker\n\tFlusher\n\tStatus() int\n\t~int | string\n}';
    assert.deepEqual(goEmbeddedTypes(text, 'ResponseWriter'), [{ qualifier: 'http', name: 'Hijacker' }, { name: 'Flusher' }]);
    assert.deepEqual(goEmbeddedTypes('type List[T any] struct {\n\tBase[T]\n\tn int\n}', 'List'), [{ name: 'Base' }]);
  });

  it('nothing for a type that is neither, or a name the text does not declare', () => {
    assert.deepEqual(goEmbeddedTypes('type HandlerFunc func(*Context)', 'HandlerFunc'), []);
    assert.deepEqual(goEmbeddedTypes('type A struct {\n\tB\n}', 'C'), []);
  });
});
