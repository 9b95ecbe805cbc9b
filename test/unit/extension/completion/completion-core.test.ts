import { strict as assert } from 'node:assert';
import { CompletionCore, type CompletionInput } from '../../../../extension/completion/completion-core';
import { nullLogger } from '../../../../extension/log';
import { ErrorCodes, TandemError, type InlineCompletionRequest } from '../../../../protocol';
import { FakeClock, flushAsync } from '../fake-clock';

interface Call {
  params: InlineCompletionRequest.Params;
  signal: AbortSignal;
  resolve(r: Partial<InlineCompletionRequest.Result> & { text: string }): void;
  reject(err: unknown): void;
}

function setup(opts: { debounce?: { initialMs: number } } = {}) {
  const clock = new FakeClock();
  const calls: Call[] = [];
  let n = 0;
  const core = new CompletionCore(
    {
      clock,
      log: nullLogger,
      recentFiles: () => [{ path: '/other.ts', open: true }],
      backend: {
        complete: (params, signal) =>
          new Promise((resolve, reject) => {
            calls.push({
              params,
              signal,
              resolve: (r) =>
                resolve({
                  completionId: `c${++n}`,
                  model: 'm',
                  backend: 'local',
                  finishReason: 'stop',
                  timings: { contextMs: 5, firstTokenMs: 50, totalMs: 100 },
                  ...r,
                }),
              reject,
            });
            signal.addEventListener('abort', () => reject(new TandemError(ErrorCodes.RequestCancelled, 'cancelled')));
          }),
      },
    },
    { debounce: opts.debounce ?? { initialMs: 50 } },
  );
  return { clock, calls, core };
}

function input(prefix: string, suffix = '\n', extra: Partial<CompletionInput> = {}): CompletionInput {
  const lines = prefix.split('\n');
  return {
    path: '/a.ts',
    languageId: 'typescript',
    prefix,
    suffix,
    line: lines.length - 1,
    character: lines.at(-1)!.length,
    explicit: false,
    ...extra,
  };
}

describe('CompletionCore', () => {
  it('debounces, sends prefix/suffix/language/path/recent files and the multi-line decision, filters the result', async () => {
    const { clock, calls, core } = setup();
    const pending = core.provide(input('function f() {'), new AbortController().signal);
    await flushAsync();
    assert.equal(calls.length, 0, 'no request before the debounce delay');
    await clock.advance(50);
    assert.equal(calls.length, 1);
    const p = calls[0].params;
    assert.equal(p.document.path, '/a.ts');
    assert.equal(p.document.languageId, 'typescript');
    assert.equal(p.document.prefix, 'function f() {');
    assert.equal(p.document.suffix, '\n');
    assert.equal(p.multiline, true);
    assert.deepEqual(p.recentFiles, [{ path: '/other.ts', open: true }]);
    calls[0].resolve({ text: '\n  return 1;\n}\nfunction g() {}\n' });
    const s = await pending;
    assert.equal(s?.text, '\n  return 1;\n}');
    assert.equal(s?.source, 'network');
    assert.equal(s?.completionId, 'c1');
    assert.equal(s?.debounceMs, 50);
  });

  it('skips the debounce when invoked explicitly', async () => {
    const { calls, core } = setup();
    const pending = core.provide(input('x = ', '\n', { explicit: true }), new AbortController().signal);
    await flushAsync();
    assert.equal(calls.length, 1);
    calls[0].resolve({ text: '1;' });
    assert.equal((await pending)?.text, '1;');
  });

  it('a new request aborts the previous one (which yields nothing)', async () => {
    const { clock, calls, core } = setup();
    const first = core.provide(input('const a = '), new AbortController().signal);
    await clock.advance(50);
    assert.equal(calls.length, 1);
    const second = core.provide(input('const a = 1'), new AbortController().signal);
    assert.equal(calls[0].signal.aborted, true, 'upstream request cancelled');
    assert.equal(await first, undefined);
    await clock.advance(50);
    calls[1].resolve({ text: '23;' });
    assert.equal((await second)?.text, '23;');
  });

  it('cancellation by the editor during the debounce sends nothing and is not an error', async () => {
    const { clock, calls, core } = setup();
    const ac = new AbortController();
    const pending = core.provide(input('x = '), ac.signal);
    ac.abort();
    await clock.advance(100);
    assert.equal(await pending, undefined);
    assert.equal(calls.length, 0);
  });

  it('serves the same position from the cache without a request', async () => {
    const { clock, calls, core } = setup();
    const first = core.provide(input('let v = '), new AbortController().signal);
    await clock.advance(50);
    calls[0].resolve({ text: 'compute();' });
    await first;
    core.forgetShown();
    const again = await core.provide(input('let v = '), new AbortController().signal);
    assert.equal(calls.length, 1);
    assert.equal(again?.source, 'cache');
    assert.equal(again?.completionId, 'c1');
  });

  it('types through the shown suggestion without a request', async () => {
    const { clock, calls, core } = setup();
    const first = core.provide(input('let v = '), new AbortController().signal);
    await clock.advance(50);
    calls[0].resolve({ text: 'compute(1);' });
    await first;
    const typed = await core.provide(input('let v = comp'), new AbortController().signal);
    assert.equal(calls.length, 1);
    assert.deepEqual([typed?.source, typed?.text, typed?.completionId], ['typing-through', 'ute(1);', 'c1']);
    const deviated = core.provide(input('let v = cx'), new AbortController().signal);
    await clock.advance(100);
    assert.equal(calls.length, 2, 'deviation asks again');
    calls[1].resolve({ text: '' });
    assert.equal(await deviated, undefined);
  });

  it('adapts the debounce to observed latency', async () => {
    const { clock, calls, core } = setup();
    const p = core.provide(input('a = '), new AbortController().signal);
    await clock.advance(50);
    calls[0].resolve({ text: 'b;', timings: { contextMs: 1, firstTokenMs: 500, totalMs: 1000 } });
    await p;
    assert.ok(core.debounce.delayMs() > 50, `delay ${core.debounce.delayMs()} grows for a slow backend`);
  });

  it('propagates real errors and clips long documents', async () => {
    const { clock, calls, core } = setup();
    const long = 'x'.repeat(30_000);
    const p = core.provide(input(long, 'y'.repeat(10_000)), new AbortController().signal);
    await clock.advance(50);
    assert.equal(calls[0].params.document.prefix.length, 16_000);
    assert.equal(calls[0].params.document.suffix.length, 4_000);
    calls[0].reject(new TandemError(ErrorCodes.ModelNotFound, 'model missing'));
    await assert.rejects(p, /model missing/);
  });

  it('measures extension overhead without debounce and model time', async () => {
    const { clock, calls, core } = setup();
    const p = core.provide(input('a = '), new AbortController().signal);
    await clock.advance(50);
    await clock.advance(120); // the request takes 120 ms of wall time
    calls[0].resolve({ text: 'b;', timings: { contextMs: 10, firstTokenMs: 60, totalMs: 110 } });
    const s = await p;
    // 170 elapsed − 50 debounce − (110 − 10) model = 20
    assert.equal(s?.overheadMs, 20);
  });
});
