import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importsRetriever, type ImportSignals } from '../../../../daemon/context/imports-retriever';
import { SCHEMA_VERSION } from '../../../../daemon/context/index-store';
import { isTestPath, memberUsesIn, WorkspaceMemberUses } from '../../../../daemon/context/member-uses';
import { storeDirFor } from '../../../../daemon/context/workspace';
import { indexedRepo, reopenAsSchema } from './helpers';

/** A member whose body is long enough for a chunk of its own. */
const member = (head: string) => [
  `  ${head} {`,
  ...Array.from({ length: 24 }, (_, i) => `    this.step(${i})`),
  '    return this.raw',
  '  }',
];
const CONTEXT = [
  'export class Context {',
  ...member('get req(): Request'),
  ...member('text(text: string): Response'),
  ...member('json(value: unknown): Response'),
  '}',
  '',
].join('\n');

/** Handlers that read the request through `c`, and chunks that say `text` a lot without using it through `c`. */
function handler(i: number): string {
  return [
    "import type { Context } from './context'",
    `export const h${i} = (c: Context) => {`,
    '  const id = c.req.url + c.req.method',
    '  return c.json({ id })',
    '}',
    '',
  ].join('\n');
}

describe('context/member-uses: members used through each receiver name across the workspace', function () {
  this.timeout(60_000);

  it('counts the members used through a name at the head of a chain, `?.` too, not through this', () => {
    const uses = memberUsesIn(
      [
        'const a = c.req.header("x")',
        'c.json({ a }); c?.req.url',
        'this.cache.clear()',
        'opts.headers.set("k", "v")',
        '// c.req is the request',
      ].join('\n'),
    );
    const of = (r: string) => Object.fromEntries(uses.filter((u) => u.receiver === r).map((u) => [u.member, u.n]));
    assert.deepEqual(of('c'), { req: 3, json: 1 });
    assert.deepEqual(of('opts'), { headers: 1 });
    assert.deepEqual(of('this'), {});
    assert.deepEqual(of('headers'), {}, 'not the second step of a chain');
    assert.equal(uses[0].receiver, 'c', 'the most used receiver first');
  });

  it('tells test files by their path', () => {
    for (const p of [
      'src/a.test.ts',
      'src/a.spec.tsx',
      'test/a.ts',
      'src/__tests__/a.js',
      'pkg/tests/x.mts',
      'a_test.ts',
      'web/ctx_test.go',
    ])
      assert.ok(isTestPath(p), p);
    for (const p of ['src/a.ts', 'src/testing.ts', 'src/latest.ts', 'contest/a.ts', 'web/latest.go']) assert.ok(!isTestPath(p), p);
  });

  it("weighs a test file's uses a tenth for code, and code's a tenth for a test", async () => {
    const repo = await indexedRepo('member-uses-kind', {
      'src/h0.ts': handler(0),
      'src/h0.test.ts': Array.from({ length: 10 }, () => 'c.text("ok")').join('\n'),
    });
    try {
      const facts = repo.engine.rootOf(join(repo.root, 'src/app.ts'))!.syntax;
      assert.deepEqual(Object.fromEntries(facts.memberUses!('c', 'src/app.ts')), { req: 2, json: 1, text: 1 });
      assert.deepEqual(Object.fromEntries(facts.memberUses!('c', 'src/app.test.ts')), { text: 10, req: 0.2, json: 0.1 });
    } finally {
      await repo.close();
    }
  });

  it('sums the other files, leaves out the document, and follows a saved file', async () => {
    const files: Record<string, string> = { 'src/context.ts': CONTEXT, 'src/app.ts': 'c.json(1)\nc.json(2)\n' };
    for (let i = 0; i < 3; i++) files[`src/h${i}.ts`] = handler(i);
    const repo = await indexedRepo('member-uses', files);
    try {
      const facts = repo.engine.rootOf(join(repo.root, 'src/app.ts'))!.syntax;
      assert.deepEqual(Object.fromEntries(facts.memberUses!('c', 'src/app.ts')), { req: 6, json: 3 });
      assert.deepEqual(Object.fromEntries(facts.memberUses!('c', 'src/h0.ts')), { req: 4, json: 4 });
      writeFileSync(join(repo.root, 'src/h1.ts'), 'export const x = (c: any) => c.req.body\n');
      await repo.engine.refreshPaths(repo.root, ['src/h1.ts']);
      assert.deepEqual(Object.fromEntries(facts.memberUses!('c', 'src/app.ts')), { req: 5, json: 2 });
    } finally {
      await repo.close();
    }
  });

  it('reads at most its bound of rows for one receiver, the first files indexed', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) files[`src/h${i}.ts`] = i < 2 ? 'c.req.url\n' : 'c.json(1)\n';
    const repo = await indexedRepo('member-uses-bound', files);
    try {
      const store = repo.engine.rootOf(join(repo.root, 'src/app.ts'))!.store;
      const ids = (
        store.db.prepare("SELECT file_id FROM member_uses WHERE receiver = 'c' ORDER BY rowid").all() as Array<{ file_id: number }>
      ).map((r) => r.file_id);
      assert.equal(ids.length, 6);
      const bounded = new WorkspaceMemberUses(store, 2);
      const firstTwo = store.db.prepare(`SELECT member FROM member_uses WHERE receiver = 'c' ORDER BY rowid LIMIT 2`).all() as Array<{
        member: string;
      }>;
      const expected: Record<string, number> = {};
      for (const r of firstTwo) expected[r.member] = (expected[r.member] ?? 0) + 1;
      const sum = bounded.through('c', 'src/app.ts');
      assert.deepEqual(Object.fromEntries(sum), expected);
      assert.equal(
        [...sum.values()].reduce((a, b) => a + b, 0),
        2,
        'two rows read of six',
      );
      assert.deepEqual(Object.fromEntries(new WorkspaceMemberUses(store).through('c', 'src/app.ts')), { json: 4, req: 2 });
    } finally {
      await repo.close();
    }
  });

  it("ranks first the member the workspace uses most through the receiver's name", async () => {
    const files: Record<string, string> = { 'src/context.ts': CONTEXT };
    for (let i = 0; i < 4; i++) files[`src/h${i}.ts`] = handler(i);
    for (let i = 0; i < 12; i++) files[`src/label${i}.ts`] = `export const label${i} = (text: string) => text.trim()\n`;
    const repo = await indexedRepo('member-uses-rank', files);
    try {
      const ws = repo.engine.rootOf(join(repo.root, 'src/new.ts'))!;
      const prefix = "import type { Context } from './context'\nexport const route = (c: Context) => {\n  const u = c.";
      const out: ImportSignals = { files: new Set(), placed: new Map() };
      importsRetriever(ws, { rel: 'src/new.ts', language: 'typescript', prefix, suffix: '\n}\n', queryWindow: prefix }, out);
      const rows = ws.store.chunks([...out.placed.keys()]);
      const first = rows.get([...out.placed.keys()][0])!;
      // `text` is the commoner word in the workspace; `req` is what the handlers use through `c`.
      assert.match(first.text, /get req\(\)/, first.text);
    } finally {
      await repo.close();
    }
  });

  it("Go: ranks first the method the workspace calls most through the receiver's name", async () => {
    const method = (head: string) => [`func (c *Context) ${head} {`, ...Array.from({ length: 24 }, (_, i) => `\tc.index += ${i}`), '}', ''];
    const files: Record<string, string> = {
      'go.mod': 'module example.com/web\n\ngo 1.22\n',
      'web/context.go': [
        'package web',
        '',
        'type Context struct {',
        '\tindex int',
        '}',
        '',
        ...method('Next()'),
        ...method('Status(code int)'),
      ].join('\n'),
    };
    for (let i = 0; i < 4; i++) files[`web/h${i}.go`] = `package web\n\nfunc h${i}(c *Context) {\n\tc.Next()\n}\n`;
    for (let i = 0; i < 12; i++) files[`web/label${i}.go`] = `package web\n\nfunc label${i}(status int) int { return status }\n`;
    const repo = await indexedRepo('member-uses-go', files);
    try {
      const ws = repo.engine.rootOf(join(repo.root, 'web/new.go'))!;
      const prefix = 'package web\n\nfunc route(c *Context) {\n\tc.';
      const out: ImportSignals = { files: new Set(), placed: new Map() };
      importsRetriever(ws, { rel: 'web/new.go', language: 'go', prefix, suffix: '\n}\n', queryWindow: prefix }, out);
      const first = ws.store.chunks([...out.placed.keys()]).get([...out.placed.keys()][0])!;
      // `status` is the commoner word in the workspace; `Next` is what the handlers call through `c`.
      assert.match(first.text, /\) Next\(\)/, first.text);
    } finally {
      await repo.close();
    }
  });

  it('rebuilds an index of schema 4, which has no member uses', async () => {
    const repo = await indexedRepo('member-uses-schema', { 'src/context.ts': CONTEXT, 'src/h0.ts': handler(0) });
    const root = repo.engine.roots()[0];
    const home = join(repo.root, '..', 'home');
    const file = join(storeDirFor(home, root), 'index.db');
    await repo.engine.dispose();
    // What schema 4 wrote: no member_uses table.
    const store = reopenAsSchema(file, 4, 'DROP TABLE member_uses');
    try {
      assert.equal(store.db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.deepEqual(store.counts(), { files: 0, chunks: 0 }, 'emptied, so that the next walk records every file');
      assert.deepEqual(store.db.prepare('SELECT count(*) AS n FROM member_uses').get(), { n: 0 });
    } finally {
      store.close();
      await repo.close();
    }
  });
});
