/**
 * Workspace roots have a policy: a client may not register the whole disk, the user's
 * home (or a folder above it), the Tandem home (or a folder holding it), or a `.git`
 * folder; a huge root costs no more than the file limit; and each connection reads only
 * its own roots, so one window's folder never reaches another window's prompts. Run
 * against the real daemon with HOME pointed at a scratch "user home".
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ChatSendRequest,
  ContextSearchRequest,
  ErrorCodes,
  InlineCompletionRequest,
  StatusRequest,
  WorkspaceRegisterRequest,
} from '../../../protocol';
import type { DaemonConnection } from '../../../protocol/client';
import { FakeOllama, tandemDefaultModels } from '../../fake-ollama';
import { eventually, removeHome, startDaemon, tempHome, type RunningDaemon } from '../daemon-harness';
import { rpcError } from './helpers';
import { faultCase, tally } from './tally';

const WINDOW_A_MARK = 'WINDOW_A_TOKEN_9c41d7';
const MAX_FILES = 40;

describe('faults: workspace root policy (real daemon)', function () {
  this.timeout(90_000);
  let fake: FakeOllama;
  let base: string;
  let userHome: string;
  let tandemHome: string;
  let daemon: RunningDaemon;
  let conn: DaemonConnection;

  before(async () => {
    fake = new FakeOllama({ models: tandemDefaultModels(), defaultReply: { chunks: ['ok'] } });
    await fake.start();
    // base/home is the user's home; the Tandem home sits in base/outer, which is then "a folder holding it".
    base = tempHome('tandem-fault-roots-');
    userHome = join(base, 'home');
    tandemHome = join(base, 'outer', '.tandem');
    mkdirSync(userHome, { recursive: true });
    mkdirSync(tandemHome, { recursive: true });
    daemon = await startDaemon(
      tandemHome,
      { backends: [{ name: 'local', url: fake.url }], context: { index: { maxFiles: MAX_FILES } } },
      { HOME: userHome },
    );
    conn = await daemon.connect();
  });
  after(async () => {
    conn?.close();
    await daemon?.stop();
    await fake.stop();
    removeHome(base);
  });

  async function indexedRoots(c: DaemonConnection): Promise<string[]> {
    return ((await c.connection.sendRequest(StatusRequest.type)).indexing ?? []).map((i) => i.root);
  }

  async function ready(c: DaemonConnection, root: string) {
    return eventually(
      async () => (await c.connection.sendRequest(StatusRequest.type)).indexing?.find((i) => i.root === root && i.state === 'ready'),
      30_000,
      `index of ${root}`,
    );
  }

  faultCase('the disk, the home directory and above it, the Tandem home and a .git folder are refused with a clear error', async () => {
    const project = join(userHome, 'project');
    mkdirSync(join(project, '.git', 'objects'), { recursive: true });
    writeFileSync(join(project, 'main.ts'), 'export const main = 1;\n');
    symlinkSync(userHome, join(base, 'home-link'));
    const cases: Array<{ root: string; rule: string; message: RegExp }> = [
      { root: '/', rule: 'filesystem_root', message: /does not index the whole disk/ },
      { root: userHome, rule: 'home', message: /^Tandem does not index your home directory: open a project folder\.$/ },
      { root: join(base, 'home-link'), rule: 'home', message: /your home directory/ },
      { root: base, rule: 'above_home', message: /holds home directories/ },
      { root: tandemHome, rule: 'tandem_home', message: /its own data folder/ },
      { root: join(tandemHome, 'logs'), rule: 'tandem_home', message: /its own data folder/ },
      { root: join(base, 'outer'), rule: 'contains_tandem_home', message: /contains Tandem's data folder/ },
      { root: join(project, '.git'), rule: 'git', message: /\.git folder/ },
      { root: join(project, '.git', 'objects'), rule: 'git', message: /\.git folder/ },
    ];
    mkdirSync(join(tandemHome, 'logs'), { recursive: true });
    const figures: string[] = [];
    for (const c of cases) {
      const started = Date.now();
      const err = await rpcError(conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [c.root] }));
      figures.push(`${c.rule} ${Date.now() - started} ms`);
      assert.equal(err.code, ErrorCodes.WorkspaceRootRefused, `${c.root}: ${err.message}`);
      assert.match(err.message, c.message, c.root);
      const refused = (err.data?.details as { refused: Array<{ root: string; rule: string }> }).refused;
      assert.deepEqual(
        refused.map((r) => [r.root, r.rule]),
        [[c.root, c.rule]],
      );
    }
    // A request with a good root and a refused one registers neither.
    const mixed = await rpcError(conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [project, '/'] }));
    assert.equal(mixed.code, ErrorCodes.WorkspaceRootRefused);
    assert.deepEqual(await indexedRoots(conn), [], 'nothing was registered or walked');
    // The project itself, inside the home directory, is a root like any other.
    const ok = await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [project] });
    assert.deepEqual(ok.roots, [project]);
    await ready(conn, project);
    assert.match(daemon.log(), /Refused workspace root/);
    tally.notes.push(`root policy: refusals answered in ${figures.join(', ')}`);
  });

  faultCase('a root with more files than the limit: the walk stops at the limit and the log says so', async () => {
    const big = join(base, 'big');
    for (let d = 0; d < 30; d++) {
      const dir = join(big, `pkg${String(d).padStart(2, '0')}`);
      mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 20; f++) writeFileSync(join(dir, `m${f}.ts`), `export const m${d}_${f} = ${f};\n`);
    }
    await conn.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [big] });
    const state = await ready(conn, big);
    assert.equal(state.filesTotal, MAX_FILES, 'the index holds the first MAX_FILES files, not the 600 there are');
    assert.match(daemon.log(), new RegExp(`has more than ${MAX_FILES} files to index; indexed the first ${MAX_FILES} and stopped`));
  });

  faultCase("one window's root never reaches another window's chat, completion context or search", async () => {
    const rootA = join(base, 'window-a');
    const rootB = join(base, 'window-b');
    mkdirSync(rootA, { recursive: true });
    mkdirSync(rootB, { recursive: true });
    writeFileSync(join(rootA, 'secret.ts'), `export function tokenForDeploy() {\n  return '${WINDOW_A_MARK}';\n}\n`);
    writeFileSync(join(rootB, 'main.ts'), 'export function tokenForDeployB() {\n  return 1;\n}\n');
    const windowA = await daemon.connect({ name: 'window-a' });
    const windowB = await daemon.connect({ name: 'window-b' });
    try {
      await windowA.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [rootA] });
      await windowB.connection.sendRequest(WorkspaceRegisterRequest.type, { roots: [rootB] });
      await ready(windowA, rootA);
      await ready(windowB, rootB);

      const ask = async (c: DaemonConnection, id: string, workspace: string) => {
        fake.clearRequests();
        await c.connection.sendRequest(ChatSendRequest.type, {
          conversationId: id,
          workspace,
          text: 'What does tokenForDeploy return?',
          context: { files: [], codebase: true },
        });
        return JSON.stringify(fake.requests.map((r) => r.body));
      };
      // Window A's own question does see its file: the mark is reachable, so its absence below means something.
      assert.ok((await ask(windowA, 'roots-a', rootA)).includes(WINDOW_A_MARK), "window A's chat reads window A's root");
      assert.ok(!(await ask(windowB, 'roots-b1', rootB)).includes(WINDOW_A_MARK), "window B's @codebase does not read window A's root");
      assert.ok(!(await ask(windowB, 'roots-b2', rootA)).includes(WINDOW_A_MARK), "naming window A's root does not open it to window B");
      assert.ok(!(await ask(windowB, 'roots-b3', '')).includes(WINDOW_A_MARK), 'no workspace named: still only its own roots');

      fake.clearRequests();
      await windowB.connection.sendRequest(InlineCompletionRequest.type, {
        document: {
          path: join(rootA, 'new.ts'),
          languageId: 'typescript',
          prefix: 'const deploy = tokenForDeploy();\n',
          suffix: '',
          line: 1,
          character: 0,
        },
      });
      assert.ok(
        !JSON.stringify(fake.requests.map((r) => r.body)).includes(WINDOW_A_MARK),
        "a completion in window B for a path in window A's root gets none of its context",
      );

      const search = await windowB.connection.sendRequest(ContextSearchRequest.type, { query: 'tokenForDeploy', k: 20 });
      assert.ok(
        search.hits.every((h) => h.root === rootB),
        JSON.stringify(search.hits.map((h) => [h.root, h.file])),
      );
      const named = await rpcError(windowB.connection.sendRequest(ContextSearchRequest.type, { query: 'tokenForDeploy', root: rootA }));
      assert.equal(named.code, ErrorCodes.WorkspaceNotRegistered);
    } finally {
      windowA.close();
      windowB.close();
    }
  });
});
