import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { fieldInitializerCallee } from '../../../../daemon/context/ts-field-inits';
import { indexedRepo } from './helpers';

describe('context/ts-field-inits: a TypeScript field without a type has the return type of the call initialising it', function () {
  this.timeout(60_000);
  const FILES: Record<string, string> = {
    'src/system.ts':
      'export class ActorSystem {\n  get(id: string) {}\n  inspect() {}\n}\n\nexport function createSystem(root: unknown): ActorSystem {\n  return new ActorSystem();\n}\n',
    'src/actor.ts': [
      "import { createSystem } from './system';",
      '',
      'export class Actor {',
      '  public system;',
      '  private clock = createSystem(this);',
      '  constructor(public id: string) {',
      '    this.system = createSystem(this);',
      '  }',
      '  send(e: string) {}',
      '}',
      '',
    ].join('\n'),
  };
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  let engine: TandemContextEngine;
  let root: string;
  before(async () => {
    repo = await indexedRepo('ts-field-inits', FILES);
    ({ engine, root } = repo);
  });
  after(() => repo.close());

  const typeAt = (prefix: string) => {
    const rel = 'src/app.ts';
    const ws = engine.rootOf(join(root, 'src/actor.ts'))!;
    const cursor = ws.syntax.cursorContext(prefix, '\n}\n', 'typescript');
    assert.ok(cursor.member);
    return receiverMembers(ws.syntax, { rel, language: 'typescript', prefix, suffix: '\n}\n', imports: [], ...cursor.member }).type;
  };

  it('a field assigned in the constructor (`this.system = createSystem(this)`) and a field initialiser (`clock = createSystem(this)`)', () => {
    assert.equal(typeAt('function f(a: Actor) {\n  a.system.'), 'ActorSystem');
    assert.equal(typeAt('function f(a: Actor) {\n  a.clock.'), 'ActorSystem');
  });

  it("reads the callee of a field's initialiser or constructor assignment, not a comparison or another name's", () => {
    assert.equal(fieldInitializerCallee('  private clock = createSystem(this);', 'clock'), 'createSystem');
    assert.equal(fieldInitializerCallee('    this.system = await sys.createSystem<T>(this);', 'system'), 'createSystem');
    assert.equal(fieldInitializerCallee('    if (this.system == make()) {}', 'system'), undefined);
    assert.equal(fieldInitializerCallee('    this.systems = make();', 'system'), undefined);
    assert.equal(fieldInitializerCallee('  fs = require("fs");', 'fs'), undefined);
  });
});
