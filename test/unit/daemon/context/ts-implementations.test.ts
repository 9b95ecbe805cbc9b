import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { tsImplementations } from '../../../../daemon/context/ts-implementations';
import { indexedRepo } from './helpers';

describe('context/ts-implementations: a receiver typed by a TypeScript interface gets the members of the classes implementing it', function () {
  this.timeout(60_000);
  const FILES: Record<string, string> = {
    // Properties and a method signature (an object type inside a property declares none of ActorRef's); a base interface.
    'src/types.ts': [
      'export interface ActorRef<T> extends Stoppable {',
      '  id: string',
      '  send: (event: T) => void',
      '  getSnapshot(): T',
      '  options?: { retries: number }',
      '}',
      'export interface Stoppable {',
      '  stop(): void',
      '}',
      'export interface Clock {',
      '  now(): number',
      '  later(ms: number): void',
      '}',
      'export interface Logic {',
      '  transition(): void',
      '}',
      '',
    ].join('\n'),
    'src/actor.ts': [
      "import type { ActorRef } from './types'",
      'export class Actor<T> implements ActorRef<T> {',
      "  id = ''",
      '  send(event: T) {}',
      '  getSnapshot(): T {',
      '    return undefined as T',
      '  }',
      '  stop() {}',
      '}',
      '',
    ].join('\n'),
    // Clock: implemented structurally by two classes (neither says so); Logic's one name says too little.
    'src/clocks.ts': [
      'export class SystemClock {',
      '  now() {',
      '    return 1',
      '  }',
      '  later(ms: number) {}',
      '}',
      'export class FakeClock {',
      '  now() {',
      '    return 0',
      '  }',
      '  later(ms: number) {}',
      '  tick() {}',
      '}',
      'export class Machine {',
      '  transition() {}',
      '}',
      '',
    ].join('\n'),
    'src/use.ts': "import type { ActorRef, Clock, Logic } from './types'\n",
  };
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  let engine: TandemContextEngine;
  before(async () => {
    repo = await indexedRepo('ts-implementations', FILES);
    engine = repo.engine;
  });
  after(() => repo.close());

  const membersAt = (param: string) => {
    const rel = 'src/use.ts';
    const prefix = `import type { ActorRef, Clock, Logic } from './types'\nfunction f(a: ${param}) {\n  a.`;
    const ws = engine.rootOf(join(repo.root, rel))!;
    const cursor = ws.syntax.cursorContext(prefix, '\n}\n', 'typescript');
    assert.ok(cursor.member);
    const r = receiverMembers(ws.syntax, {
      rel,
      language: 'typescript',
      prefix,
      suffix: '\n}\n',
      imports: ws.syntax.importsOf(rel),
      ...cursor.member,
    });
    return r.members.map((m) => `${m.site.container}.${m.site.name}:${m.depth}`);
  };

  it("the one class that says `implements`: its members first (properties named from the interface's text), then the interface's", () => {
    assert.deepEqual(membersAt('ActorRef<number>'), [
      'ActorRef.id:1',
      'ActorRef.send:1',
      'ActorRef.getSnapshot:1',
      'ActorRef.options:1',
      'Stoppable.stop:2',
      'Actor.id:0',
      'Actor.send:0',
      'Actor.getSnapshot:0',
      'Actor.stop:0',
    ]);
  });

  it('classes with every member the interface lists implement it too; with several, each after the interface', () => {
    assert.deepEqual(membersAt('Clock'), [
      'Clock.now:0',
      'Clock.later:0',
      'SystemClock.now:1',
      'SystemClock.later:1',
      'FakeClock.now:1',
      'FakeClock.later:1',
      'FakeClock.tick:1',
    ]);
  });

  it('one shared member name is no implementation', () => {
    assert.deepEqual(membersAt('Logic'), ['Logic.transition:0']);
  });

  it('the answer is remembered until the index changes', async () => {
    const ws = engine.rootOf(join(repo.root, 'src/use.ts'))!;
    const iface = ws.syntax.typeDefinitions('src/use.ts', 'Logic')[0];
    assert.deepEqual(tsImplementations(ws.syntax, iface), []);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      join(repo.root, 'src/machine.ts'),
      "import type { Logic } from './types'\nexport class Machine2 implements Logic {\n  transition() {}\n}\n",
    );
    await engine.refreshPaths(repo.root, ['src/machine.ts']);
    const again = ws.syntax.typeDefinitions('src/use.ts', 'Logic')[0];
    assert.deepEqual(
      tsImplementations(ws.syntax, again).map((c) => c.name),
      ['Machine2'],
    );
  });
});
