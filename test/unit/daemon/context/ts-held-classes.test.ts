import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { heldNames } from '../../../../daemon/context/ts-held-classes';
import type { ImportFact } from '../../../../daemon/context/syntax/types';
import { indexedRepo } from './helpers';

describe('context/ts-held-classes: `new X(…)` with X a constant holding a class is an instance of that class', function () {
  this.timeout(60_000);
  const FILES: Record<string, string> = {
    'src/registry.ts': [
      'declare const NativeRegistry: unknown',
      '',
      'export class TimerRegistry {',
      '  register(target: object) {}',
      '  unregister(token: object) {}',
      '}',
      '',
      'export const Registry =',
      '  typeof NativeRegistry !== "undefined"',
      '    ? NativeRegistry',
      '    : TimerRegistry',
      '',
    ].join('\n'),
    'src/shared.ts': ["import { Registry } from './registry';", '', 'export const shared = new Registry(() => {});', ''].join('\n'),
  };
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  let engine: TandemContextEngine;
  let root: string;
  before(async () => {
    repo = await indexedRepo('ts-held-classes', FILES);
    ({ engine, root } = repo);
  });
  after(() => repo.close());

  const at = (prefix: string, imported: string) => {
    const rel = 'src/app.ts';
    const ws = engine.rootOf(join(root, 'src/registry.ts'))!;
    const cursor = ws.syntax.cursorContext(prefix, '\n}\n', 'typescript');
    assert.ok(cursor.member);
    const facts: ImportFact[] = [{ specifier: `./${imported}`, kind: 'module', names: [{ imported: 'x', local: 'x' }], line: 1 }];
    const imports = ws.syntax.resolveImports(rel, 'typescript', facts);
    const r = receiverMembers(ws.syntax, { rel, language: 'typescript', prefix, suffix: '\n}\n', imports, ...cursor.member });
    return { type: r.type, members: r.members.map((m) => m.site.name) };
  };

  it('an imported value initialised with `new Registry(…)`, and a local one', () => {
    const want = { type: 'TimerRegistry', members: ['register', 'unregister'] };
    assert.deepEqual(at("import { shared } from './shared'\nfunction f() {\n  shared.", 'shared'), want);
    assert.deepEqual(
      at("import { Registry } from './registry'\nfunction f() {\n  const r = new Registry(() => {})\n  r.", 'registry'),
      want,
    );
  });

  it("reads the names a constant's initialiser hands out: a name, a ternary's arms, either side of `??` and `||`", () => {
    const text = 'export const R =\n  typeof N !== "undefined"\n    ? N\n    : Timer\nconst other = 1\n';
    assert.deepEqual(heldNames(text, 'R'), ['N', 'Timer']);
    assert.deepEqual(heldNames('const R = globalThis.X ?? Fallback;\n', 'R'), ['Fallback']);
    assert.deepEqual(heldNames('let A: typeof B = B || C', 'A'), ['B', 'C']);
    assert.deepEqual(heldNames('export const A = B\nfoo()', 'A'), ['B']);
    assert.deepEqual(heldNames('const A = make(B)', 'A'), []);
    assert.deepEqual(heldNames('const A = (x) => x', 'A'), []);
  });
});
