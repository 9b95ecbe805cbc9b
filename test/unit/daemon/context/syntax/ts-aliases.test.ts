import assert from 'node:assert/strict';
import { receiverMembers } from '../../../../../daemon/context/receiver-members';
import { cursorContext } from '../../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../../daemon/context/syntax/grammars';
import { aliasArms, aliasTargets } from '../../../../../daemon/context/syntax/ts-aliases';
import { memoryIndex, sym, TEST_PARSE_BUDGET_MS, type MemoryIndex } from '../memory-index';

describe('context/syntax/ts-aliases: what a TypeScript type alias stands for', () => {
  it('a generic instance, the parts of an intersection, a nullable union, a utility type; not a union of types or a mapped helper', () => {
    assert.deepEqual(aliasTargets('export type AnyMachine = StateMachine<any, Record<string, X>>'), ['StateMachine']);
    assert.deepEqual(aliasTargets('type Ctx<E extends Env = Env> = Base<E> & Extra & {'), ['Base', 'Extra']);
    assert.deepEqual(aliasTargets('type Maybe = Actor | undefined'), ['Actor']);
    assert.deepEqual(aliasTargets('type Either = Actor | Machine'), []);
    // Partial, Pick, Omit … have their argument's members; a Record's are no type argument's.
    assert.deepEqual(aliasTargets('type Opts = Partial<Options>'), ['Options']);
    assert.deepEqual(aliasTargets("type Opts = Pick<Options, 'a' | 'b'> & Extra"), ['Options', 'Extra']);
    assert.deepEqual(aliasTargets('type Opts = Record<string, Options>'), []);
    assert.deepEqual(aliasTargets('type Many = Options[]'), []);
    assert.deepEqual(aliasTargets('type Handler = (c: Context) => Response'), []);
  });

  it('the arms of a union of types, written on one line or one arm a line', () => {
    assert.deepEqual(aliasArms('type Either = Actor | Machine<T> | undefined'), ['Actor', 'Machine']);
    assert.deepEqual(aliasArms('export type Snapshot<T> =\n  | Active<T>\n  | Done<T>\n'), ['Active', 'Done']);
    // One type, a literal arm, an intersection arm: no union of named types.
    assert.deepEqual(aliasArms('type Maybe = Actor | null'), []);
    assert.deepEqual(aliasArms("type Kind = 'a' | 'b'"), []);
    assert.deepEqual(aliasArms('type Mixed = Actor | (Base & { x: 1 })'), []);
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
        // A union whose arms all extend one interface: a value of it has that interface's members.
        'src/snapshot.ts': [
          {
            startLine: 1,
            text: 'export interface SnapshotBase<T> {\n  context: T\n  matches(v: string): boolean\n}',
            symbols: [
              sym('SnapshotBase', 1, 'interface'),
              sym('context', 2, 'field', 'SnapshotBase'),
              sym('matches', 3, 'method', 'SnapshotBase'),
            ],
          },
          {
            startLine: 5,
            text: "export interface Active<T> extends SnapshotBase<T> {\n  status: 'active'\n}",
            symbols: [sym('Active', 5, 'interface'), sym('status', 6, 'field', 'Active')],
          },
          {
            startLine: 8,
            text: "export interface Done<T> extends SnapshotBase<T> {\n  status: 'done'\n  output: T\n}",
            symbols: [sym('Done', 8, 'interface'), sym('status', 9, 'field', 'Done'), sym('output', 10, 'field', 'Done')],
          },
          { startLine: 12, text: 'export type Snapshot<T> =\n  | Active<T>\n  | Done<T>', symbols: [sym('Snapshot', 12, 'type')] },
          { startLine: 15, text: 'export type Loose = Active<any> | StateMachine<any>', symbols: [sym('Loose', 15, 'type')] },
        ],
      });
    });
    after(() => index.close());

    const membersAt = (prefix: string) => {
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
      return r.members.map((m) => `${m.site.name}:${m.depth}`);
    };

    it("`s: Snapshot` (a union of interfaces extending one base) → the base's members, not one arm's own", () => {
      assert.deepEqual(membersAt('function f(s: Snapshot<number>) {\n  s.'), ['context:1', 'matches:1']);
      // Arms that share nothing: no members rather than one arm's.
      assert.deepEqual(membersAt('function f(s: Loose) {\n  s.'), []);
    });

    it('`m: AnyMachine` → StateMachine.transition', () => {
      assert.deepEqual(membersAt('function f(m: AnyMachine) {\n  m.'), ['transition:1']);
    });
  });
});
