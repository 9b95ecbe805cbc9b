import assert from 'node:assert/strict';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { inferredReturnType } from '../../../../daemon/context/ts-return-types';
import { cursorContext } from '../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../daemon/context/syntax/grammars';
import { memoryIndex, sym, TEST_PARSE_BUDGET_MS, type MemoryIndex } from './memory-index';

describe('context/ts-return-types: what a function without a stated return type plainly returns', () => {
  it('an arrow whose body is `new T(…)`, a first `return new T(…)`, `this` (stated or returned)', () => {
    assert.equal(inferredReturnType(' => new Pool<T>(size)', undefined), 'Pool');
    assert.equal(inferredReturnType(' {\n  const p = 1;\n  return new pools.Pool(p);\n}', undefined), 'Pool');
    assert.equal(inferredReturnType(' {\n  this.n++;\n  return this;\n}', 'Builder'), 'Builder');
    assert.equal(inferredReturnType(': this {\n  return other;\n}', 'Builder'), 'Builder');
    // A stated type is the declaration's to say; `return this.x` is not `this`; no plain return says nothing.
    assert.equal(inferredReturnType(': Pool {\n  return new Other();\n}', undefined), undefined);
    assert.equal(inferredReturnType(' {\n  return this.pool;\n}', 'Builder'), undefined);
    assert.equal(inferredReturnType(' {\n  return make();\n}', undefined), undefined);
  });

  describe('through the index', () => {
    let index: MemoryIndex;
    before(async () => {
      assert.ok((await loadGrammar('typescript')).ok);
      index = memoryIndex('/repo', {
        'src/pool.ts': [
          { startLine: 1, text: 'export class Pool {\n  take() {}', symbols: [sym('Pool', 1, 'class')] },
          { startLine: 2, text: '  take() {}', symbols: [sym('take', 2, 'method', 'Pool')] },
          {
            startLine: 3,
            text: '  grow(n: number) {\n    this.n += n;\n    return this;\n  }',
            symbols: [sym('grow', 3, 'method', 'Pool')],
          },
          { startLine: 8, text: 'export const createPool = (size: number) => new Pool(size)', symbols: [sym('createPool', 8, 'variable')] },
        ],
      });
    });
    after(() => index.close());

    const typeOf = (prefix: string) => {
      const cursor = cursorContext(prefix, '\n', 'typescript', TEST_PARSE_BUDGET_MS);
      assert.ok(cursor.member);
      const imports = index.syntax.resolveImports('src/app.ts', 'typescript', [
        { specifier: './pool', kind: 'module', names: [{ imported: 'createPool', local: 'createPool' }], line: 1 },
      ]);
      return receiverMembers(index.syntax, { rel: 'src/app.ts', language: 'typescript', prefix, suffix: '\n', imports, ...cursor.member })
        .type;
    };

    it('a call initialiser and a fluent chain', () => {
      assert.equal(typeOf('const pool = createPool(4);\npool.'), 'Pool');
      assert.equal(typeOf('const pool = createPool(4);\npool.grow(2).'), 'Pool');
    });
  });
});
