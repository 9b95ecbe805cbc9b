import { strict as assert } from 'node:assert';
import { CompletionPreparer, PREPARE_DELAY_MS, PREPARE_JUMP_LINES, type PrepareInput } from '../../../../extension/completion/prepare';
import type { Logger } from '../../../../extension/log';
import { ErrorCodes, TandemError, type PrepareCompletionRequest } from '../../../../protocol';
import { FakeClock, flushAsync } from '../fake-clock';

describe('CompletionPreparer', () => {
  const input = (path: string, prefix = 'const a = '): PrepareInput => ({
    path,
    languageId: 'typescript',
    prefix,
    suffix: ';\n',
    line: 0,
    character: prefix.length,
  });

  function setup(over: { enabled?: (languageId: string) => boolean; ready?: () => boolean; fail?: Error } = {}) {
    const clock = new FakeClock();
    const sent: Array<{ params: PrepareCompletionRequest.Params; signal: AbortSignal }> = [];
    const resolvers: Array<() => void> = [];
    const logged: string[] = [];
    const log: Logger = {
      trace() {},
      debug: (m) => logged.push(m),
      info() {},
      warn: (m) => logged.push(`warn ${m}`),
      error: (m) => logged.push(`error ${m}`),
    };
    const preparer = new CompletionPreparer({
      clock,
      send: (params, signal) => {
        sent.push({ params, signal });
        if (over.fail) return Promise.reject(over.fail);
        return new Promise((resolve) => resolvers.push(() => resolve({ contextMs: 4.2, contextChunks: 3 })));
      },
      params: (i) => ({ document: { ...i }, recentFiles: [] }),
      enabled: over.enabled ?? (() => true),
      ready: over.ready ?? (() => true),
      log,
    });
    return { clock, sent, resolvers, logged, preparer };
  }

  it('prepares the document in view once it has stayed there, with the text and cursor of that moment', async () => {
    const { clock, sent, preparer } = setup();
    let current = input('/w/a.ts', 'const a');
    preparer.focused({ path: '/w/a.ts', snapshot: () => current });
    await clock.advance(PREPARE_DELAY_MS - 1);
    assert.equal(sent.length, 0);
    current = input('/w/a.ts', 'const ab');
    await clock.advance(1);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].params.document.path, '/w/a.ts');
    assert.equal(sent[0].params.document.prefix, 'const ab');
  });

  it('switching through editors prepares only the last, and drops a prepare still running for the one before', async () => {
    const { clock, sent, preparer } = setup();
    preparer.focused({ path: '/w/a.ts', snapshot: () => input('/w/a.ts') });
    await clock.advance(50);
    preparer.focused({ path: '/w/b.ts', snapshot: () => input('/w/b.ts') });
    await clock.advance(PREPARE_DELAY_MS);
    assert.deepEqual(
      sent.map((s) => s.params.document.path),
      ['/w/b.ts'],
    );
    assert.equal(sent[0].signal.aborted, false);
    preparer.focused({ path: '/w/c.ts', snapshot: () => input('/w/c.ts') });
    assert.equal(sent[0].signal.aborted, true, "b's prepare is cancelled once c is in view");
    preparer.focused(undefined);
    await clock.advance(PREPARE_DELAY_MS * 2);
    assert.deepEqual(
      sent.map((s) => s.params.document.path),
      ['/w/b.ts'],
    );
  });

  it('leaves the work to a completion asked for in that document before the prepare is sent', async () => {
    const { clock, sent, preparer } = setup();
    preparer.focused({ path: '/w/a.ts', snapshot: () => input('/w/a.ts') });
    preparer.completing('/w/other.ts');
    await clock.advance(PREPARE_DELAY_MS);
    assert.equal(sent.length, 1, 'a completion elsewhere does not drop it');
    preparer.focused({ path: '/w/b.ts', snapshot: () => input('/w/b.ts') });
    preparer.completing('/w/b.ts');
    await clock.advance(PREPARE_DELAY_MS * 2);
    assert.equal(sent.length, 1);
  });

  it('sends nothing when completions are off for the language, the daemon is not connected or lacks the feature, or the editor is gone', async () => {
    for (const over of [{ enabled: () => false }, { ready: () => false }]) {
      const { clock, sent, preparer } = setup(over);
      preparer.focused({ path: '/w/a.ts', snapshot: () => input('/w/a.ts') });
      await clock.advance(PREPARE_DELAY_MS);
      assert.equal(sent.length, 0);
    }
    const { clock, sent, preparer } = setup();
    preparer.focused({ path: '/w/a.ts', snapshot: () => undefined });
    await clock.advance(PREPARE_DELAY_MS);
    assert.equal(sent.length, 0);
    preparer.focused({ path: '/w/a.ts', snapshot: () => input('/w/a.ts') });
    preparer.dispose();
    await clock.advance(PREPARE_DELAY_MS);
    preparer.focused({ path: '/w/a.ts', snapshot: () => input('/w/a.ts') });
    await clock.advance(PREPARE_DELAY_MS);
    assert.equal(sent.length, 0, 'nothing after dispose');
  });

  it('a failing prepare is logged at debug level only (the completion does the work itself), a cancelled one not at all', async () => {
    const failing = setup({ fail: new TandemError(ErrorCodes.InvalidParams, 'document.prefix: too long') });
    failing.preparer.focused({ path: '/w/a.ts', snapshot: () => input('/w/a.ts') });
    await failing.clock.advance(PREPARE_DELAY_MS);
    await flushAsync();
    assert.equal(failing.logged.length, 1);
    assert.match(failing.logged[0], /^preparing completions for \/w\/a\.ts failed: document\.prefix: too long$/);

    const cancelled = setup({ fail: new TandemError(ErrorCodes.RequestCancelled, 'cancelled') });
    cancelled.preparer.focused({ path: '/w/a.ts', snapshot: () => input('/w/a.ts') });
    await cancelled.clock.advance(PREPARE_DELAY_MS);
    await flushAsync();
    assert.deepEqual(cancelled.logged, []);
  });

  it('prepares again after a far jump within the document, not while typing or moving nearby', async () => {
    const { clock, sent, preparer } = setup();
    const at = (line: number): PrepareInput => ({ ...input('/w/a.ts'), line });
    let cursor = 10;
    const target = () => ({ path: '/w/a.ts', line: cursor, snapshot: () => at(cursor) });
    preparer.moved(target());
    await clock.advance(PREPARE_DELAY_MS);
    assert.equal(sent.length, 0, 'a document never prepared is left to focused()');
    preparer.focused(target());
    await clock.advance(PREPARE_DELAY_MS);
    assert.equal(sent.length, 1);
    for (cursor = 11; cursor < 10 + PREPARE_JUMP_LINES; cursor += 7) preparer.moved(target());
    await clock.advance(PREPARE_DELAY_MS);
    assert.equal(sent.length, 1, 'moves within the prepared window send nothing');
    cursor = 10 + PREPARE_JUMP_LINES + 40;
    preparer.moved(target());
    preparer.moved({ ...target(), path: '/w/other.ts' });
    await clock.advance(PREPARE_DELAY_MS);
    assert.equal(sent.length, 2);
    assert.equal(sent[1].params.document.line, cursor);
    assert.equal(sent[0].signal.aborted, true, 'the prepare for the old place is dropped');
  });

  it('logs what the daemon prepared', async () => {
    const { clock, resolvers, logged, preparer } = setup();
    preparer.focused({ path: '/w/a.ts', snapshot: () => input('/w/a.ts') });
    await clock.advance(PREPARE_DELAY_MS);
    resolvers[0]();
    await flushAsync();
    assert.deepEqual(logged, ['completion context prepared for /w/a.ts: 3 chunks in 4.2 ms']);
  });
});
