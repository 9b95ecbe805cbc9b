import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TandemContextEngine } from '../../../../../daemon/context/engine';
import { receiverMembers } from '../../../../../daemon/context/receiver-members';
import { cursorContext } from '../../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../../daemon/context/syntax/grammars';
import { indexedRepo } from '../helpers';
import { TEST_PARSE_BUDGET_MS } from '../memory-index';

describe('context/syntax/ts-elements: what a TypeScript array hands out', function () {
  this.timeout(60_000);
  before(async () => assert.ok((await loadGrammar('typescript')).ok));
  const member = (prefix: string, suffix = '\n}\n') => cursorContext(prefix, suffix, 'typescript', TEST_PARSE_BUDGET_MS).member;

  it('`xs[0].` is an element of `xs`, `this.items[i].` of a field; `o["name"].` is member `name`', () => {
    assert.equal(member('function f(actors: Actor[]) {\n  actors[0].')?.type, 'Actor');
    assert.equal(member('function f(actors: Array<Actor>) {\n  actors[0].')?.type, 'Actor');
    assert.equal(member('class K {\n  items: Actor[] = [];\n  f(i: number) {\n    this.items[i].', '\n  }\n}\n')?.type, 'Actor');
    assert.deepEqual(member("function f(o: Options) {\n  o['limits'].")?.chain, {
      type: 'Options',
      steps: [{ name: 'limits', call: false }],
    });
  });

  it("an array method's callback on a field the class declares an array gets an element (`this.items.forEach((a) => a.`)", () => {
    const prefix = 'class K {\n  items: Actor[] = [];\n  f() {\n    this.items.forEach((a) => a.';
    assert.equal(member(prefix, ')\n  }\n}\n')?.type, 'Actor');
  });

  describe('through the index', () => {
    const FILES: Record<string, string> = {
      'src/actor.ts': 'export class Actor {\n  send(e: string) {}\n  stop() {}\n}\n',
      'src/holder.ts': "import { Actor } from './actor';\n\nexport class Holder {\n  items: Actor[] = [];\n  one: Actor;\n}\n",
    };
    let repo: Awaited<ReturnType<typeof indexedRepo>>;
    let engine: TandemContextEngine;
    let root: string;
    before(async () => {
      repo = await indexedRepo('ts-elements', FILES);
      ({ engine, root } = repo);
    });
    after(() => repo.close());

    const typeAt = (prefix: string, suffix: string) => {
      const ws = engine.rootOf(join(root, 'src/holder.ts'))!;
      const cursor = ws.syntax.cursorContext(prefix, suffix, 'typescript');
      assert.ok(cursor.member);
      return receiverMembers(ws.syntax, { rel: 'src/app.ts', language: 'typescript', prefix, suffix, imports: [], ...cursor.member }).type;
    };

    it("a member the index declares an array: an element in its methods' callbacks and by index", () => {
      assert.equal(typeAt('function f(h: Holder) {\n  h.items.map((a) => a.', ')\n}\n'), 'Actor');
      assert.equal(typeAt('function f(h: Holder) {\n  h.items[0].', '\n}\n'), 'Actor');
    });
  });
});
