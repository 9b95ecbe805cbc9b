/**
 * The next-edit handler with a scripted router: the format follows the configured model,
 * the answer comes back as minimal document replacements, refusals are results (not
 * errors), the prompt and raw answer only when asked, and the budget is the model's
 * context minus its output reserve.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TandemError, type NextEditRequest } from '../../../../protocol';
import { loadConfig, type TandemConfig } from '../../../../daemon/config';
import type { FeatureHost } from '../../../../daemon/host/types';
import { DaemonLogger } from '../../../../daemon/log';
import { Metrics } from '../../../../daemon/metrics';
import { createNextEditState, type NextEditState } from '../../../../daemon/next-edit/state';
import { shownPath, suggestNextEdit } from '../../../../daemon/next-edit/suggest';
import type { ChatRequest, GenerationResult, RawGenerateRequest } from '../../../../daemon/router/types';
import { fakeParts, fakeSession } from '../host/helpers';
import { DOC_LINES, RENAME, RENAMED_LINES, document } from './formats/fixture';

class ScriptedRouter extends (fakeParts().router.constructor as new () => ReturnType<typeof fakeParts>['router']) {
  answer = '';
  doneReason: 'stop' | 'length' = 'stop';
  raw: RawGenerateRequest[] = [];
  chats: ChatRequest[] = [];
  override async generate(req: RawGenerateRequest): Promise<GenerationResult> {
    this.raw.push(req);
    req.onDelta?.(this.answer);
    return { text: this.answer, model: 'm', backend: 'b', doneReason: this.doneReason, firstTokenMs: 3, totalMs: 5 };
  }
  override async chat(req: ChatRequest): Promise<GenerationResult> {
    this.chats.push(req);
    return { text: this.answer, model: 'm', backend: 'b', doneReason: this.doneReason, firstTokenMs: 3, totalMs: 5 };
  }
}

describe('next-edit: suggest', () => {
  let state: NextEditState;
  let router: ScriptedRouter;
  let config: TandemConfig;
  const session = fakeSession('s1');
  let home: string;
  before(() => (home = mkdtempSync(join(tmpdir(), 'tandem-next-edit-'))));
  after(() => rmSync(home, { recursive: true, force: true }));

  beforeEach(() => {
    router = new ScriptedRouter();
    config = loadConfig({ TANDEM_HOME: home });
    const parts = fakeParts();
    const host = {
      router,
      context: parts.context,
      config: () => config,
      stream: () => () => undefined,
      logger: new DaemonLogger('error'),
      metrics: new Metrics(),
    } as unknown as FeatureHost;
    state = createNextEditState(host);
  });
  afterEach(() => state.dispose());

  const params = (over: Partial<NextEditRequest.Params> = {}) =>
    ({
      document: { ...document(), version: 4 },
      workspaceRoot: '/ws',
      history: [RENAME],
      diagnostics: [],
      recentFiles: [],
      strictness: 'normal',
      includePrompt: false,
      ...over,
    }) as Parameters<typeof suggestNextEdit>[1];

  it('asks the Sweep model raw and answers with the replacement that carries the rename on', async () => {
    router.answer = `\n${RENAMED_LINES.join('\n')}\n`;
    const result = await suggestNextEdit(state, params(), { session, signal: new AbortController().signal });
    assert.equal(result.outcome, 'suggested');
    assert.equal(result.format, 'sweep');
    assert.equal(result.version, 4);
    assert.deepEqual(result.edits, [{ start: { line: 3, character: 24 }, end: { line: 3, character: 25 }, text: 'count' }]);
    assert.deepEqual(result.region, { startLine: 0, endLine: DOC_LINES.length });
    assert.equal(router.raw.length, 1);
    assert.equal(router.raw[0].task, 'nextEdit');
    assert.ok(router.raw[0].prompt.includes('<|file_sep|>current/src/scale.ts\n'), 'the path is workspace-relative');
    assert.ok(result.promptTokens > 0 && result.promptTokens <= config.tasks.nextEdit.num_ctx - config.tasks.nextEdit.num_predict);
    assert.equal(result.prompt, undefined);
    assert.equal(result.answer, undefined);
  });

  it("draws related code only from the session's own roots, never from another window's", async () => {
    router.answer = `\n${RENAMED_LINES.join('\n')}\n`;
    const asked: Array<readonly string[] | undefined> = [];
    const context = state.host.context as unknown as { roots: () => string[]; retrieve: (req: { roots?: readonly string[] }) => unknown };
    context.roots = () => ['/other-window'];
    context.retrieve = async (req) => {
      asked.push(req.roots);
      return { chunks: [], candidates: [], retrievers: [], elapsedMs: 0 };
    };
    await suggestNextEdit(state, params(), { session: fakeSession('no-roots'), signal: new AbortController().signal });
    assert.deepEqual(asked, [], 'a session without roots retrieves nothing, whatever the engine holds');
    const own = fakeSession('own');
    own.roots.add('/ws');
    await suggestNextEdit(state, params(), { session: own, signal: new AbortController().signal });
    assert.deepEqual(asked, [['/ws']]);
  });

  it('returns the prompt and the raw answer when asked (expert mode)', async () => {
    router.answer = `\n${RENAMED_LINES.join('\n')}\n`;
    const result = await suggestNextEdit(state, params({ includePrompt: true }), { session, signal: new AbortController().signal });
    assert.equal(result.prompt, router.raw[0].prompt);
    assert.equal(result.answer, router.answer);
  });

  it('answers nothing, with the reason, for an undo, no change or a truncated answer', async () => {
    router.answer = `\n${DOC_LINES.join('\n').replace('count:', 'a:')}\n`;
    assert.deepEqual(pick(await suggestNextEdit(state, params(), ctx())), { outcome: 'none', reason: 'undo', edits: [] });
    router.answer = `\n${DOC_LINES.join('\n')}\n`;
    assert.deepEqual(pick(await suggestNextEdit(state, params(), ctx())), { outcome: 'none', reason: 'no_change', edits: [] });
    router.doneReason = 'length';
    router.answer = `\n${RENAMED_LINES.join('\n')}`;
    assert.deepEqual(pick(await suggestNextEdit(state, params(), ctx())), { outcome: 'none', reason: 'truncated', edits: [] });
  });

  it('speaks the format of the configured model: Instinct and generic by chat, Zeta raw', async () => {
    router.answer = RENAMED_LINES.slice(1).join('\n');
    config = { ...config, tasks: { ...config.tasks, nextEdit: { ...config.tasks.nextEdit, model: 'nate/instinct' } } };
    const instinct = await suggestNextEdit(state, params(), ctx());
    assert.equal(instinct.format, 'instinct');
    assert.equal(router.chats.at(-1)?.task, 'nextEdit');
    assert.deepEqual(instinct.edits, [{ start: { line: 3, character: 24 }, end: { line: 3, character: 25 }, text: 'count' }]);
    config = { ...config, tasks: { ...config.tasks, nextEdit: { ...config.tasks.nextEdit, model: 'qwen2.5-coder:7b-instruct' } } };
    assert.equal((await suggestNextEdit(state, params(), ctx())).format, 'generic');
    config = {
      ...config,
      tasks: { ...config.tasks, nextEdit: { ...config.tasks.nextEdit, model: 'hf.co/bartowski/zed-industries_zeta-GGUF:Q4_K_M' } },
    };
    router.answer = '<|editable_region_start|>\nx\n';
    const zeta = await suggestNextEdit(state, params(), ctx());
    assert.equal(zeta.format, 'zeta');
    assert.ok(router.raw.at(-1)?.prompt.startsWith('### Instruction:\n'));
    config = { ...config, nextEdit: { ...config.nextEdit, format: 'sweep' } };
    assert.equal((await suggestNextEdit(state, params(), ctx())).format, 'sweep', 'config.json names the format of a renamed model');
  });

  it('refuses a region that does not fit the context, and a cursor outside the text sent', async () => {
    config = { ...config, tasks: { ...config.tasks, nextEdit: { ...config.tasks.nextEdit, num_ctx: 512, num_predict: 480 } } };
    const tight = await suggestNextEdit(state, params(), ctx());
    assert.equal(tight.reason, 'budget');
    assert.equal(router.raw.length, 0, 'no model call');
    await assert.rejects(
      suggestNextEdit(state, params({ document: { ...document(), line: 40 } }), ctx()),
      (err: unknown) => err instanceof TandemError && /outside the text sent/.test(err.message),
    );
  });

  it('shows paths relative to the workspace root when inside it', () => {
    assert.equal(shownPath('/ws/src/a.ts', '/ws'), 'src/a.ts');
    assert.equal(shownPath('/elsewhere/a.ts', '/ws'), '/elsewhere/a.ts');
    assert.equal(shownPath('untitled:Untitled-1', undefined), 'untitled:Untitled-1');
  });
});

function ctx() {
  return { session: fakeSession('s1'), signal: new AbortController().signal };
}

function pick(r: NextEditRequest.Result) {
  return { outcome: r.outcome, reason: r.reason, edits: r.edits };
}
