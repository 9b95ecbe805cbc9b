/**
 * Tandem in a real VS Code: the built VSIX installed into code-server, driven through
 * Chromium, with the real daemon (spawned by the extension) and the fake Ollama.
 * One session for the whole suite (starting VS Code is the slow part); the tests run
 * in order and each leaves the editor in a known state.
 *
 * Run: `npm run e2e:setup` once, then `npm run test:e2e`. Failures leave a screenshot
 * and the logs (code-server, extension host, the Tandem channel, daemon, fake) in test-results/e2e/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tandemDefaultModels } from '../fake-ollama/script';
import { E2eSession, skipUnlessAvailable } from './harness';
import { waitFor } from './processes';

/** The completion the fake model streams for every request. */
const COMPLETION_CHUNKS = [' +', ' b', ';'];
const COMPLETION = COMPLETION_CHUNKS.join('');

/** One function per test, so that each edits a fresh spot (lines are 1-based). */
const MATH_TS = [
  'export function add(a: number, b: number): number {', //  1
  '  ', //                                                    2  accept
  '}', //                                                     3
  '', //                                                      4
  'export function sub(a: number, b: number): number {', //  5
  '  ', //                                                    6  dismiss
  '}', //                                                     7
  '', //                                                      8
  'export function mul(a: number, b: number): number {', //  9
  '  ', //                                                   10  after the daemon is killed
  '}', //                                                    11
  '', //                                                     12
  'export function div(a: number, b: number): number {', // 13
  '  ', //                                                   14  after a mode switch and a daemon restart
  '}', //                                                    15
  '',
].join('\n');

interface StatsTotals {
  shown: number;
  accepted: number;
  dismissed: number;
  dismissReasons: Partial<Record<string, number>>;
}

describe('Tandem in a real VS Code (code-server + Chromium)', function () {
  this.timeout(180_000);
  let s: E2eSession | undefined;

  const session = (): E2eSession => {
    if (!s) throw new Error('session not started');
    return s;
  };

  /** The daemon's stored event counts, through `tandemd stats --json` of the installed VSIX. */
  async function stats(): Promise<StatsTotals> {
    const out = await session().tandemd(['stats', '--json']);
    const parsed = JSON.parse(out) as { total: StatsTotals };
    return parsed.total;
  }

  before(async function () {
    skipUnlessAvailable(this);
    this.timeout(12 * 60_000); // includes building the VSIX when it is stale
    s = new E2eSession({
      name: 'tandem',
      workspace: { 'math.ts': MATH_TS, 'README.md': '# e2e workspace\n' },
      fakeScript: {
        models: tandemDefaultModels(),
        loaded: tandemDefaultModels().map((m) => m.name),
        defaultReply: { chunks: COMPLETION_CHUNKS },
      },
      settings: (ollamaUrl) => ({
        'tandem.ollamaUrl': ollamaUrl,
        'tandem.uiMode': 'simple',
      }),
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

  it('installs the VSIX, activates the extension and starts the daemon', async function () {
    const ses = session();
    await ses.waitForActivation();
    const daemon = await waitFor('the daemon the extension starts ($TANDEM_HOME/daemon.lock)', () => ses.liveDaemon(), {
      timeoutMs: 60_000,
    });
    assert.ok(daemon.pid > 0 && daemon.port > 0);
  });

  it('shows a completion as ghost text; Tab accepts it into the document and an accepted event is stored', async function () {
    const ses = session();
    const before = await stats();
    await ses.openFile('math.ts');
    // The editor in view is prepared for its first completion before anything is typed.
    await waitFor(
      'a tandem/completion/prepare for the opened file',
      async () => {
        const daemon = ses.liveDaemon();
        if (!daemon) return undefined;
        const metrics = await (await fetch(`http://127.0.0.1:${daemon.port}/metrics`)).text();
        return /tandem_rpc_requests_total\{method="tandem\/completion\/prepare",outcome="ok"\} [1-9]/.test(metrics) || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    await ses.gotoLineEnd(2);
    await ses.p.keyboard.type('return a');
    const ghost = await ses.waitForGhostText(60_000);
    assert.equal(ghost.trim(), COMPLETION.trim());

    await ses.p.keyboard.press('Tab');
    const lines = await waitFor('the accepted text in the editor', async () => {
      const l = await ses.editorLines();
      return l[1] === `  return a${COMPLETION}` ? l : undefined;
    });
    assert.equal(lines[0], MATH_TS.split('\n')[0]);

    // Saved, the file on disk has it too.
    await ses.p.keyboard.press('Control+S');
    await waitFor(
      'math.ts saved with the accepted text',
      () => readFileSync(join(ses.workspace, 'math.ts'), 'utf8').split('\n')[1] === `  return a${COMPLETION}`,
    );

    const after = await waitFor(
      'an accepted event in the daemon store',
      async () => {
        const now = await stats();
        return now.accepted > before.accepted ? now : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(after.accepted, before.accepted + 1);
    assert.ok(after.shown > before.shown, 'the suggestion was also recorded as shown');
  });

  it('Escape hides a shown completion and a dismissed event is stored', async function () {
    const ses = session();
    const before = await stats();
    await ses.gotoLineEnd(6);
    await ses.p.keyboard.type('return a');
    await ses.waitForGhostText(60_000);
    await ses.p.keyboard.press('Escape');
    await ses.waitForNoGhostText();
    const lines = await ses.editorLines();
    assert.equal(lines[5], '  return a', 'Escape leaves the typed text alone');

    // Other suggestions may come and go meanwhile (e.g. one shown after the accept and
    // dismissed when the cursor moved here); the one escaped here is counted as such.
    const escaped = (t: StatsTotals) => t.dismissReasons.escaped ?? 0;
    const after = await waitFor(
      'a dismissed (escaped) event in the daemon store',
      async () => {
        const now = await stats();
        return escaped(now) > escaped(before) ? now : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    assert.equal(escaped(after), escaped(before) + 1);
    assert.ok(after.dismissed > before.dismissed);
    assert.equal(after.accepted, before.accepted, 'nothing accepted');
  });

  it('recovers when the daemon is killed mid-session: a new daemon starts and completions work again', async function () {
    const ses = session();
    const old = await waitFor('a live daemon', () => ses.liveDaemon());
    process.kill(old.pid, 'SIGKILL');
    await waitFor(`daemon ${old.pid} to die`, () => !ses.liveDaemon() || ses.liveDaemon()!.pid !== old.pid);

    const fresh = await waitFor(
      'a new daemon started by the extension',
      () => {
        const d = ses.liveDaemon();
        return d && d.pid !== old.pid ? d : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    assert.notEqual(fresh.pid, old.pid);

    await ses.openFile('math.ts');
    await ses.gotoLineEnd(10);
    await ses.p.keyboard.type('return a');
    const ghost = await ses.waitForGhostText(60_000);
    assert.equal(ghost.trim(), COMPLETION.trim());
    await ses.p.keyboard.press('Tab');
    await waitFor('the accepted text after recovery', async () => (await ses.editorLines())[9] === `  return a${COMPLETION}`);
  });

  it('the mode switcher changes the commands the palette offers', async function () {
    const ses = session();
    const tandemCommands = async () => (await ses.paletteCommands('Tandem:')).filter((l) => l.startsWith('Tandem:'));
    const simple = await tandemCommands();
    assert.ok(
      simple.some((l) => l.includes('Switch UI Mode')),
      `simple mode offers the switcher: ${simple.join(' | ')}`,
    );

    await ses.runCommand('Tandem: Switch UI Mode');
    await ses.pickQuickItem(/expert/i);

    const settingsFile = join(ses.userDataDir, 'User', 'settings.json');
    await waitFor('tandem.uiMode = expert in settings.json', () =>
      /"tandem\.uiMode"\s*:\s*"expert"/.test(readFileSync(settingsFile, 'utf8')),
    );
    const expert = await waitFor(
      'the expert commands in the palette',
      async () => {
        const now = await tandemCommands();
        return now.length > simple.length ? now : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );

    const onlyExpert = expert.filter((l) => !simple.includes(l));
    assert.ok(
      onlyExpert.some((l) => /raw prompt/i.test(l)),
      `expert adds the raw prompt view: ${onlyExpert.join(' | ')}`,
    );
    assert.ok(
      onlyExpert.some((l) => /why this suggestion/i.test(l)),
      `expert includes the advanced commands: ${onlyExpert.join(' | ')}`,
    );
    for (const l of simple) assert.ok(expert.includes(l), `expert keeps "${l}"`);
    assert.ok(!simple.some((l) => /raw prompt|why this suggestion/i.test(l)), 'simple mode hides them');

    // Back to simple: the extra commands go away again.
    await ses.runCommand('Tandem: Switch UI Mode');
    await ses.pickQuickItem(/simple/i);
    await waitFor(
      'the simple commands in the palette again',
      async () => {
        const now = await tandemCommands();
        return now.length === simple.length && now.every((l) => simple.includes(l));
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  });

  it('keeps the backend settings across a settings write: after a mode switch and a daemon restart, completions still come', async function () {
    const ses = session();
    await ses.runCommand('Tandem: Switch UI Mode');
    await ses.pickQuickItem(/advanced/i);
    const settingsFile = join(ses.userDataDir, 'User', 'settings.json');
    await waitFor('tandem.uiMode = advanced in settings.json', () =>
      /"tandem\.uiMode"\s*:\s*"advanced"/.test(readFileSync(settingsFile, 'utf8')),
    );

    const old = await waitFor('a live daemon', () => ses.liveDaemon());
    await ses.runCommand('Tandem: Restart Daemon');
    await waitFor(
      'a new daemon after Restart Daemon',
      () => {
        const d = ses.liveDaemon();
        return d && d.pid !== old.pid ? d : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );

    // The new daemon got the Ollama URL from the settings again (not the default port, where nothing listens).
    await ses.openFile('math.ts');
    await ses.gotoLineEnd(14);
    await ses.p.keyboard.type('return a');
    const ghost = await ses.waitForGhostText(60_000);
    assert.equal(ghost.trim(), COMPLETION.trim());
    await ses.p.keyboard.press('Tab');
    await waitFor('the accepted text after the restart', async () => (await ses.editorLines())[13] === `  return a${COMPLETION}`);
  });
});
