import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { indexedRepo } from './helpers';

describe('context/receiver-members: a TypeScript type the index lists no members of says nothing', function () {
  this.timeout(60_000);
  const FILES: Record<string, string> = {
    // A conditional type: what it stands for is not written as members.
    'src/types.ts': 'export type SnapshotFrom<T> = T extends { snapshot: infer S } ? S : never;\n',
    'src/snapshot.ts': 'export class MachineSnapshot {\n  matches(v: string): boolean {\n    return true;\n  }\n  can(e: string) {}\n}\n',
    'src/actor.ts': [
      "import type { SnapshotFrom } from './types';",
      '',
      'export class Actor<T> {',
      '  getSnapshot(): SnapshotFrom<T> {',
      '    return this.s;',
      '  }',
      '}',
      '',
      'export function snapshotOf<T>(a: Actor<T>): SnapshotFrom<T> {',
      '  return a.getSnapshot();',
      '}',
      '',
    ].join('\n'),
  };
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  let engine: TandemContextEngine;
  let root: string;
  before(async () => {
    repo = await indexedRepo('receiver-memberless', FILES);
    ({ engine, root } = repo);
  });
  after(() => repo.close());

  const resolve = (prefix: string, suffix = '\n') => {
    const ws = engine.rootOf(join(root, 'src/actor.ts'))!;
    const cursor = ws.syntax.cursorContext(prefix, suffix, 'typescript');
    assert.ok(cursor.member);
    const r = receiverMembers(ws.syntax, { rel: 'src/app.ts', language: 'typescript', prefix, suffix, imports: [], ...cursor.member });
    return { type: r.type, via: r.via };
  };

  it('the members the document uses on the receiver decide instead: a name, and a chain as written', () => {
    assert.deepEqual(resolve("const s = snapshotOf(actor);\nif (s.matches('a')) {}\ns."), { type: 'MachineSnapshot', via: 'members used' });
    assert.deepEqual(resolve('function f(actor: Actor<M>) {\n  actor.getSnapshot().', "\n  actor.getSnapshot().matches('b');\n}\n"), {
      type: 'MachineSnapshot',
      via: 'members used',
    });
  });

  it('with no such use the type stays what the declaration says', () => {
    assert.deepEqual(resolve('const s = snapshotOf(actor);\ns.'), { type: 'SnapshotFrom', via: 'return type' });
  });
});
