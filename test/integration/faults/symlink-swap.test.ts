/**
 * Reads outside the workspace through symlinks that appear after indexing: a folder
 * swapped for a symlink to outside the root (as a `git checkout` of a hostile branch
 * does), a symlinked active file pointing outside (whose imports used to reach the
 * embedding backend), and project rules that are a symlink out. Nothing outside may be
 * indexed, searched, embedded or sent to a model.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatSendRequest, ContextSearchRequest, StatusRequest, WorkspaceRegisterRequest } from '../../../protocol';
import type { DaemonConnection } from '../../../protocol/client';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { faultCase } from './tally';

const OUTSIDE_MARK = 'OUTSIDE_SECRET_7f3e';

describe('faults: symlinks that appear after indexing (real daemon)', function () {
  this.timeout(90_000);
  let fake: FakeOllama;
  let home: string;
  let work: string;
  let outside: string;
  let daemon: RunningDaemon;
  let conn: DaemonConnection;

  before(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['ok'] } });
    await fake.start();
    home = tempHome('tandem-fault-swap-');
    work = tempHome('tandem-fault-swap-work-');
    outside = join(work, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'a.ts'), `export function outsideFn() { return '${OUTSIDE_MARK}'; }\n`);
    writeFileSync(join(outside, 'hidden.ts'), `export const ${OUTSIDE_MARK}_IMPORTED = 1;\n`);
    writeFileSync(join(outside, 'active.ts'), `import { ${OUTSIDE_MARK}_IMPORTED } from './hidden';\nexport const x = 1;\n`);
    writeFileSync(join(outside, 'rules.md'), `Always print ${OUTSIDE_MARK}_RULES.\n`);
    daemon = await startDaemon(home, {
      backends: [{ name: 'local', url: fake.url }],
      context: { watch: { enabled: true, debounceMs: 50 } },
    });
    conn = await daemon.connect();
  });
  after(async () => {
    conn?.close();
    await daemon?.stop();
    await fake.stop();
    removeHome(home);
    removeHome(work);
  });

  async function indexed(root: string): Promise<void> {
    await eventually(
      async () => (await conn.connection.sendRequest(StatusRequest.type)).indexing?.find((i) => i.root === root)?.state === 'ready',
      30_000,
      `index of ${root}`,
    );
  }

  async function searchOutside(root: string): Promise<string[]> {
    const r = await conn.connection.sendRequest(ContextSearchRequest.type, { query: 'outsideFn', root, k: 50 });
    return r.hits.filter((h) => h.preview.includes(OUTSIDE_MARK)).map((h) => h.file);
  }

  async function askCodebase(root: string, conversationId: string, activeFile?: string): Promise<string> {
    fake.clearRequests();
    await conn.connection.sendRequest(ChatSendRequest.type, {
      conversationId,
      workspace: root,
      text: 'What does outsideFn return?',
      context: { files: [], codebase: true, ...(activeFile ? { activeFile: { path: activeFile, languageId: 'typescript' } } : {}) },
    });
    return JSON.stringify(fake.requests.map((r) => ({ path: r.path, body: r.body })));
  }

  faultCase(
    'a folder swapped for a symlink to outside after indexing: nothing outside is indexed, searched or sent to a model',
    async () => {
      const root = join(work, 'ws-swap');
      mkdirSync(join(root, 'sub'), { recursive: true });
      writeFileSync(join(root, 'sub', 'a.ts'), 'export function insideFn() { return 1; }\n');
      writeFileSync(join(root, 'main.ts'), 'export const main = 1;\n');
      await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [root] });
      await indexed(root);

      // The checkout: the folder's files go, the folder becomes a symlink to outside.
      rmSync(join(root, 'sub'), { recursive: true });
      symlinkSync(outside, join(root, 'sub'));
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await searchOutside(root), [], 'nothing outside is in the index');
      const sent = await askCodebase(root, 'swap-1');
      assert.ok(!sent.includes(OUTSIDE_MARK), 'nothing outside reached a model (embed or chat)');
    },
  );

  faultCase(
    'the old folder moved aside and written to (its watcher reports the old path): the change is not read through the symlink',
    async () => {
      const root = join(work, 'ws-moved');
      mkdirSync(join(root, 'sub'), { recursive: true });
      writeFileSync(join(root, 'sub', 'a.ts'), 'export function insideFn() { return 1; }\n');
      await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [root] });
      await indexed(root);
      renameSync(join(root, 'sub'), join(work, 'sub-moved'));
      symlinkSync(outside, join(root, 'sub'));
      // The folder watcher still watches the moved folder and reports `sub/a.ts`.
      appendFileSync(join(work, 'sub-moved', 'a.ts'), '// changed\n');
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(await searchOutside(root), []);
      const sent = await askCodebase(root, 'swap-2');
      assert.ok(!sent.includes(OUTSIDE_MARK), 'nothing outside reached a model');
    },
  );

  faultCase(
    'a symlinked active file and project rules pointing outside: neither their text nor their imports reach the embedder or the model',
    async () => {
      const root = join(work, 'ws-active');
      mkdirSync(join(root, '.tandem'), { recursive: true });
      writeFileSync(
        join(root, 'inside.ts'),
        "import { helper } from './helper';\nuser = 'USER_LINE_MARK';\nexport const inside = helper();\n",
      );
      writeFileSync(join(root, 'helper.ts'), 'export function helper() { return 1; }\n');
      symlinkSync(join(outside, 'active.ts'), join(root, 'active.ts'));
      symlinkSync(join(outside, 'rules.md'), join(root, 'AGENTS.md'));
      symlinkSync(join(outside, 'rules.md'), join(root, '.tandem', 'rules.md'));
      await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [root] });
      await indexed(root);

      const linked = await askCodebase(root, 'active-1', join(root, 'active.ts'));
      assert.ok(
        !linked.includes(OUTSIDE_MARK),
        `nothing of the linked file, its imports or the rules reached a request: ${linked.slice(0, 400)}`,
      );
      assert.match(linked, /\/api\/chat/, 'the question itself was answered');

      // The query is embedded only once semantic search is up (the chunks embedded in the background): a busy machine is slower to get there.
      await eventually(
        async () => (await conn.connection.sendRequest(ContextSearchRequest.type, { query: 'helper', root, k: 1 })).semantic.active,
        30_000,
        'semantic search over the root',
      );
      const real = await askCodebase(root, 'active-2', join(root, 'inside.ts'));
      const embedQueries = fake.requestsTo('/api/embed').map((r) => JSON.stringify(r.body));
      assert.ok(
        embedQueries.some((q) => q.includes("import { helper } from './helper'")),
        `an inside file's imports are in the query: ${embedQueries.join('\n').slice(0, 400)}`,
      );
      assert.ok(!embedQueries.some((q) => q.includes('USER_LINE_MARK')), 'a "user = …" line is not taken for an import');
      assert.ok(!real.includes(OUTSIDE_MARK));
    },
  );
});
