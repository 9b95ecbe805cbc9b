import * as assert from 'node:assert/strict';
import { analyzeFile } from '../../../../../daemon/context/syntax/analyze';
import { loadGrammar } from '../../../../../daemon/context/syntax/grammars';

describe('context/syntax/go-rules: Go interfaces in the index', () => {
  before(async () => assert.ok((await loadGrammar('go')).ok));

  it('an interface type is an `interface` and its method elements are methods it contains; a struct stays a `type`', () => {
    const text = [
      'package gin',
      'type ResponseWriter interface {',
      '\thttp.Hijacker',
      '\t// Status returns the code.',
      '\tStatus() int',
      '\tWriteString(s string) (int, error)',
      '}',
      'type responseWriter struct {',
      '\tsize int',
      '\tcheck interface{ Ok() bool }',
      '}',
      'func (w *responseWriter) Status() int { return 0 }',
      'type Number interface { ~int | ~float64 }',
    ].join('\n');
    const { syntax } = analyzeFile(text, 'go', { maxLines: 60, maxChars: 3000 });
    assert.deepEqual(
      syntax.definitions.map((d) => `${d.kind}:${d.name}${d.container ? `@${d.container}` : ''}:${d.line}`),
      [
        'interface:ResponseWriter:2',
        'method:Status@ResponseWriter:5',
        'method:WriteString@ResponseWriter:6',
        'type:responseWriter:8',
        // A field's anonymous interface: its method is the struct's as far as the index goes.
        'method:Ok@responseWriter:10',
        'method:Status@responseWriter:12',
        'interface:Number:13',
      ],
    );
  });
});
