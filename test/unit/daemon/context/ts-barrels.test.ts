import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import { importsRetriever, type ImportSignals } from '../../../../daemon/context/imports-retriever';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { withReexports } from '../../../../daemon/context/syntax/ts-barrels';
import type { ImportFact } from '../../../../daemon/context/syntax/types';
import { indexedRepo } from './helpers';

describe('context/ts-barrels: an import of a barrel names what it re-exports', function () {
  this.timeout(60_000);
  const FILES: Record<string, string> = {
    'src/index.ts': "export * from './machine';\nexport { createActor } from './actor';\nexport * from './streaming';\n",
    // An interface's property named like the function re-exported after it (a member, which no import names).
    'src/machine.ts':
      'export class Machine {\n  transition() {}\n}\n\nexport function createMachine(config: object): Machine {\n  return new Machine();\n}\n\nexport interface Spawner {\n  createActor: (m: Machine) => unknown\n}\n',
    'src/actor.ts':
      'export class Actor {\n  send(e: string) {}\n  getSnapshot() {}\n}\n\nexport function createActor(m: Machine): Actor {\n  return new Actor();\n}\n',
    // A barrel of a barrel, re-exporting a file named like a function it declares.
    'src/streaming/index.ts': "export * from './stream';\n",
    'src/streaming/stream.ts': 'export const stream = (cb: (s: Api) => void) => {};\nexport function sleep(ms: number) {}\n',
    // A namesake the barrel does not reach.
    'other/actor.ts': 'export function createActor(n: number): number {\n  return n;\n}\n',
    'test/app.test.ts': "import { createMachine, createActor, stream } from '../src';\n\nconst m = createMachine({});\n",
  };
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  let engine: TandemContextEngine;
  let root: string;
  before(async () => {
    repo = await indexedRepo('ts-barrels', FILES);
    ({ engine, root } = repo);
  });
  after(() => repo.close());

  const rel = 'test/app.test.ts';
  const ws = () => engine.rootOf(join(root, rel))!;

  it("the indexed import's files are the barrel's, then those it re-exports (a barrel of a barrel too)", () => {
    const files = ws().syntax.importsOf(rel)[0].files;
    assert.deepEqual(files, ['src/index.ts', 'src/machine.ts', 'src/actor.ts', 'src/streaming/index.ts', 'src/streaming/stream.ts']);
  });

  it('a not-yet-used import is placed from the file the barrel re-exports it from', () => {
    const out: ImportSignals = { files: new Set(), placed: new Map() };
    const prefix = "import { createMachine, createActor, stream } from '../src';\n\nconst m = createMachine({});\nconst a = ";
    importsRetriever(ws(), { rel, language: 'typescript', prefix, suffix: '\n', queryWindow: prefix }, out);
    const where = [...out.placed.keys()].map((id) => ws().store.chunks([id]).get(id)!.path);
    assert.ok(where.includes('src/actor.ts'), where.join(' '));
    assert.ok(!where.includes('src/machine.ts') || where.indexOf('src/actor.ts') < where.indexOf('src/machine.ts'), where.join(' '));
    assert.ok(!where.includes('other/actor.ts'), where.join(' '));
  });

  it('a call of a re-exported function types its result (`createActor(m).`); a named import is no module (`stream.`)', () => {
    const members = (prefix: string) => {
      const cursor = ws().syntax.cursorContext(prefix, '\n', 'typescript');
      assert.ok(cursor.member);
      const q = { rel, language: 'typescript', prefix, suffix: '\n', imports: ws().syntax.importsOf(rel), ...cursor.member };
      return receiverMembers(ws().syntax, q);
    };
    const head = "import { createMachine, createActor, stream } from '../src';\n\n";
    assert.deepEqual(
      members(`${head}createActor(createMachine({})).`).members.map((m) => m.site.name),
      ['send', 'getSnapshot'],
    );
    // `stream` names a function of streaming/stream.ts, not that file as a namespace.
    assert.notEqual(members(`${head}stream.`).via, 'namespace');
  });

  it('a save of the barrel that changes what it re-exports resolves the imports through it again', async () => {
    assert.ok(ws().syntax.importsOf(rel)[0].files.includes('src/actor.ts'));
    writeFileSync(join(root, 'src/index.ts'), "export * from './machine';\n");
    await engine.refreshPaths(root, ['src/index.ts']);
    assert.deepEqual(ws().syntax.importsOf(rel)[0].files, ['src/index.ts', 'src/machine.ts']);
  });

  it('a named re-export is followed for the names imported; `export *` for any; cycles end', () => {
    const facts: Record<string, ImportFact[]> = {
      'a.ts': [
        { specifier: './b', kind: 'module', names: [{ imported: 'x', local: 'x' }], reexport: true, line: 1 },
        { specifier: './c', kind: 'module', names: [], reexport: true, wildcard: true, line: 2 },
      ],
      'c.ts': [{ specifier: './a', kind: 'module', names: [], reexport: true, wildcard: true, line: 1 }],
    };
    const host = {
      factsOf: (f: string) => (facts[f] ? { imports: facts[f], language: 'typescript' } : { imports: [], language: 'typescript' }),
      resolve: (fact: ImportFact) => [`${fact.specifier.slice(2)}.ts`],
    };
    assert.deepEqual(withReexports(host, ['a.ts'], new Set(['y'])), ['a.ts', 'c.ts']);
    assert.deepEqual(withReexports(host, ['a.ts'], new Set(['x'])), ['a.ts', 'b.ts', 'c.ts']);
  });
});
