import assert from 'node:assert/strict';
import { receiverMembers } from '../../../../../daemon/context/receiver-members';
import { cursorContext } from '../../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../../daemon/context/syntax/grammars';
import { aliasTargets } from '../../../../../daemon/context/syntax/ts-aliases';
import { memoryIndex, sym, TEST_PARSE_BUDGET_MS, type MemoryIndex } from '../memory-index';

describe('context/syntax/ts-aliases: what a TypeScript type alias stands for', () => {
  it('a generic instance, the parts of an intersection, a nullable union; not a union of types or a mapped helper', () => {
    assert.deepEqual(aliasTargets('export type AnyMachine = StateMachine<any, Record<string, X>>'), ['StateMachine']);
    assert.deepEqual(aliasTargets('type Ctx<E extends Env = Env> = Base<E> & Extra & {'), ['Base', 'Extra']);
    assert.deepEqual(aliasTargets('type Maybe = Actor | undefined'), ['Actor']);
    assert.deepEqual(aliasTargets('type Either = Actor | Machine'), []);
    assert.deepEqual(aliasTargets('type Opts = Partial<Options>'), []);
    assert.deepEqual(aliasTargets('type Handler = (c: Context) => Response'), []);
  });

  describe('through the index: a receiver typed by an alias has the members of the class it stands for', () => {
    let index: MemoryIndex;
    before(async () => {
      assert.ok((await loadGrammar('typescript')).ok);
      index = memoryIndex('/repo', {
        'src/machine.ts': [
          { startLine: 1, text: 'export class StateMachine<T> {\n  transition() {}', symbols: [sym('StateMachine', 1, 'class')] },
          { startLine: 2, text: '  transition() {}', symbols: [sym('transition', 2, 'method', 'StateMachine')] },
          { startLine: 4, text: 'export type AnyMachine = StateMachine<any>', symbols: [sym('AnyMachine', 4, 'type')] },
        ],
      });
    });
    after(() => index.close());

    it('`m: AnyMachine` → StateMachine.transition', () => {
      const prefix = 'function f(m: AnyMachine) {\n  m.';
      const cursor = cursorContext(prefix, '\n}', 'typescript', TEST_PARSE_BUDGET_MS);
      assert.ok(cursor.member);
      const r = receiverMembers(index.syntax, {
        rel: 'src/app.ts',
        language: 'typescript',
        prefix,
        suffix: '\n}',
        imports: [],
        ...cursor.member,
      });
      assert.deepEqual(
        r.members.map((m) => `${m.site.name}:${m.depth}`),
        ['transition:1'],
      );
    });
  });
});
