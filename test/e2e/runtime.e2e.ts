/**
 * Tandem on a machine whose `node` is another major than the runtime the VSIX carries:
 * Node 22 (from the npm registry's Node packages) first on the extension host's PATH,
 * as most machines have it now. The extension starts tandemd on its bundled runtime
 * anyway, and completions work: ghost text appears and Tab accepts it.
 *
 * No `tandem.ollamaUrl` in settings.json: the fake Ollama's URL reaches the daemon only
 * through TANDEM_OLLAMA_URL in the environment (the harness exports it), so this also
 * shows that a setting left at its default does not replace it.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundledNodePath } from '../../protocol/runtime';
import { BUNDLED_NODE_VERSION } from '../../scripts/runtime/node-release';
import { tandemDefaultModels } from '../fake-ollama/script';
import { E2eSession, skipUnlessAvailable } from './harness';
import { waitFor } from './processes';
import { OTHER_NODE_VERSION, otherMajorNode } from './vsix';

const COMPLETION_CHUNKS = [' *', ' b', ';'];
const COMPLETION = COMPLETION_CHUNKS.join('');
const MUL_TS = ['export function mul(a: number, b: number): number {', '  ', '}', ''].join('\n');

/** Every file named `name` under `dir`. */
function findFiles(dir: string, name: string): string[] {
  const found: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) found.push(...findFiles(p, name));
    else if (e.name === name) found.push(p);
  }
  return found;
}

describe(`Tandem with Node ${OTHER_NODE_VERSION} first on the extension host's PATH (code-server + Chromium)`, function () {
  this.timeout(180_000);
  let s: E2eSession | undefined;
  let otherNode = '';

  const session = (): E2eSession => {
    if (!s) throw new Error('session not started');
    return s;
  };

  before(async function () {
    skipUnlessAvailable(this);
    this.timeout(15 * 60_000); // includes building the VSIX when it is stale and fetching Node 22
    otherNode = await otherMajorNode();
    s = new E2eSession({
      name: 'runtime',
      workspace: { 'mul.ts': MUL_TS },
      fakeScript: {
        models: tandemDefaultModels(),
        loaded: tandemDefaultModels().map((m) => m.name),
        defaultReply: { chunks: COMPLETION_CHUNKS },
      },
      settings: () => ({ 'tandem.uiMode': 'simple' }),
      extensionHostPathFirst: dirname(otherNode),
    });
    await s.startSuite(undefined);
  });

  afterEach(async function () {
    await s?.reportIfFailed(this.currentTest, undefined);
  });

  after(async function () {
    this.timeout(60_000);
    await s?.stop();
  });

  it('starts tandemd on the bundled runtime, although the extension host has another node first on PATH', async function () {
    const ses = session();
    await ses.waitForActivation();
    const daemon = await waitFor('the daemon the extension starts ($TANDEM_HOME/daemon.lock)', () => ses.liveDaemon(), {
      timeoutMs: 60_000,
    });
    const bundled = bundledNodePath(ses.installedExtensionDir());
    assert.equal(realpathSync(`/proc/${daemon.pid}/exe`), realpathSync(bundled), 'tandemd runs on the bundled runtime');
    // tandemd inherits the extension host's environment: there, Node 22 was the `node` on PATH
    // (code-server puts its remote-cli folder, which has none, before it).
    const path = readFileSync(`/proc/${daemon.pid}/environ`, 'utf8')
      .split('\0')
      .find((e) => e.startsWith('PATH='))
      ?.slice('PATH='.length);
    const firstNode = (path ?? '').split(':').find((dir) => existsSync(join(dir, 'node')));
    assert.equal(firstNode, dirname(otherNode), `the extension host's PATH: ${path}`);
    const log = findFiles(join(ses.userDataDir, 'logs'), 'Tandem.log')
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    assert.ok(log.includes(`starting tandemd: ${bundled} (bundled, v${BUNDLED_NODE_VERSION})`), log.slice(-2000));
  });

  it('shows a completion as ghost text and Tab accepts it into the document', async function () {
    const ses = session();
    await ses.openFile('mul.ts');
    await ses.gotoLineEnd(2);
    await ses.p.keyboard.type('return a');
    const ghost = await ses.waitForGhostText(60_000);
    assert.equal(ghost.trim(), COMPLETION.trim());
    await ses.p.keyboard.press('Tab');
    const lines = await waitFor('the accepted text in the editor', async () => {
      const l = await ses.editorLines();
      return l[1] === `  return a${COMPLETION}` ? l : undefined;
    });
    assert.equal(lines[0], MUL_TS.split('\n')[0]);
  });
});
