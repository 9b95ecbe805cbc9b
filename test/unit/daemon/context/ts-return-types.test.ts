import assert from 'node:assert/strict';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { annotatedResult, inferredReturnType } from '../../../../daemon/context/ts-return-types';
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

  it('a value annotated with a function type: what the alias or the type in place returns', () => {
    const aliases: Record<string, string> = {
      GetConnInfo: 'export type GetConnInfo = (c: Context) => ConnInfo',
      Make: 'type Make<T extends Base = Base> = (opts: { a: (x: number) => void }) => Pool<T>;',
      Shape: 'export type Shape = { info: ConnInfo }',
    };
    const alias = (name: string) => aliases[name];
    assert.equal(annotatedResult(': GetConnInfo = (c: Context<Env>) => {', alias), 'ConnInfo');
    assert.equal(annotatedResult(': Make<Sub> = (opts) => new Pool()', alias), 'Pool<T>');
    assert.equal(annotatedResult(': (c: Context, next: () => void) => ConnInfo = (c) => {', alias), 'ConnInfo');
    // No function type: an object type, an unknown alias, no annotation, a parameter list.
    assert.equal(annotatedResult(': Shape = { info }', alias), undefined);
    assert.equal(annotatedResult(': Unknown = () => 1', alias), undefined);
    assert.equal(annotatedResult(' = (c: Context) => new Info()', alias), undefined);
    assert.equal(annotatedResult('(c: Context): ConnInfo {', alias), undefined);
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
          { startLine: 9, text: 'export type MakePool = (size: number) => Pool', symbols: [sym('MakePool', 9, 'type')] },
          {
            startLine: 10,
            text: '/**\n * @example const pool = makePool(4)\n */\nexport const makePool: MakePool = (size) => {\n  return make(size)\n}',
            symbols: [sym('makePool', 13, 'variable')],
          },
        ],
      });
    });
    after(() => index.close());

    const typeOf = (prefix: string) => {
      const cursor = cursorContext(prefix, '\n', 'typescript', TEST_PARSE_BUDGET_MS);
      assert.ok(cursor.member);
      const imports = index.syntax.resolveImports('src/app.ts', 'typescript', [
        {
          specifier: './pool',
          kind: 'module',
          names: [
            { imported: 'createPool', local: 'createPool' },
            { imported: 'makePool', local: 'makePool' },
          ],
          line: 1,
        },
      ]);
      return receiverMembers(index.syntax, { rel: 'src/app.ts', language: 'typescript', prefix, suffix: '\n', imports, ...cursor.member })
        .type;
    };

    it('a call initialiser and a fluent chain', () => {
      assert.equal(typeOf('const pool = createPool(4);\npool.'), 'Pool');
      assert.equal(typeOf('const pool = createPool(4);\npool.grow(2).'), 'Pool');
    });

    it('a call of a value whose annotation is a function type alias (its doc comment naming it first)', () => {
      assert.equal(typeOf('const pool = makePool(4);\npool.'), 'Pool');
    });
  });
});
