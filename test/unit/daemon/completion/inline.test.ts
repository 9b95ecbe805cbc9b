import assert from 'node:assert/strict';
import { PREPARE_CONTEXT_DEADLINE_MS, runInlineCompletion, runPrepareCompletion } from '../../../../daemon/completion/inline';
import type { AssembledCompletionPrompt, CompletionContextRequest, ContextEngine } from '../../../../daemon/context/types';
import type { FimRequest, GenerationResult, ModelRouter } from '../../../../daemon/router/types';
import { loadConfig, type TandemConfig } from '../../../../daemon/config';

describe('completion/inline', () => {
  function run(model: string, assembled: Omit<AssembledCompletionPrompt, 'elapsedMs' | 'tokens' | 'contextChunks'>) {
    const asked: CompletionContextRequest[] = [];
    const sent: FimRequest[] = [];
    const context = {
      assembleCompletion: (req: CompletionContextRequest) => {
        asked.push(req);
        return Promise.resolve({ ...assembled, tokens: 10, contextChunks: 1, elapsedMs: 1 });
      },
    } as unknown as ContextEngine;
    const router = {
      complete: (req: FimRequest) => {
        sent.push(req);
        return Promise.resolve({ text: 'x', model, backend: 'local', doneReason: 'stop' } as GenerationResult);
      },
    } as unknown as ModelRouter;
    const base = loadConfig({ TANDEM_HOME: '/nonexistent-tandem-home' });
    const config: TandemConfig = { ...base, tasks: { ...base.tasks, complete: { ...base.tasks.complete, model } } };
    const done = runInlineCompletion(
      { router, context, config: () => config },
      {
        params: {
          document: { path: '/repo/a.ts', languageId: 'typescript', prefix: 'const a = ', suffix: ';', line: 0, character: 10 },
          recentFiles: [],
        },
        sessionKey: 's',
        signal: new AbortController().signal,
      },
    );
    return { done, asked, sent };
  }

  it("asks for the completion model's context layout and hands the router its repository-level context", async () => {
    const qwen = run('qwen2.5-coder:1.5b-base', {
      prefix: 'const a = ',
      suffix: ';',
      repoContext: '<|repo_name|>repo\n',
      layout: 'qwen-repo',
    });
    await qwen.done;
    assert.equal(qwen.asked[0].layout, 'qwen-repo');
    assert.equal(qwen.sent[0].repoContext, '<|repo_name|>repo\n');
    assert.equal(qwen.sent[0].prefix, 'const a = ');

    const other = run('deepseek-coder:1.3b-base', { prefix: '// Path: a.ts\nconst a = ', suffix: ';', layout: 'comments' });
    await other.done;
    assert.equal(other.asked[0].layout, 'comments');
    assert.equal('repoContext' in other.sent[0], false);
  });

  it('prepares a document with the context request a completion there would make, without calling a model', async () => {
    const completions: CompletionContextRequest[] = [];
    const prepares: Array<Omit<CompletionContextRequest, 'completionId'>> = [];
    const context = {
      assembleCompletion: (req: CompletionContextRequest) => {
        completions.push(req);
        return Promise.resolve({ prefix: '', suffix: '', layout: 'qwen-repo', tokens: 10, contextChunks: 2, elapsedMs: 1 });
      },
      prepareCompletion: (req: Omit<CompletionContextRequest, 'completionId'>) => {
        prepares.push(req);
        return Promise.resolve({ prefix: '', suffix: '', layout: 'qwen-repo', tokens: 10, contextChunks: 3, elapsedMs: 1 });
      },
    } as unknown as ContextEngine;
    let modelCalls = 0;
    const router = {
      complete: () => {
        modelCalls++;
        return Promise.resolve({ text: 'x', model: 'm', backend: 'local', doneReason: 'stop' } as GenerationResult);
      },
    } as unknown as ModelRouter;
    const base = loadConfig({ TANDEM_HOME: '/nonexistent-tandem-home' });
    const config: TandemConfig = {
      ...base,
      tasks: { ...base.tasks, complete: { ...base.tasks.complete, model: 'qwen2.5-coder:1.5b-base' } },
    };
    const document = { path: '/repo/a.ts', languageId: 'typescript', prefix: 'const a = ', suffix: ';', line: 0, character: 10 };
    const recentFiles = [{ path: '/repo/b.ts', open: true }];
    const signal = new AbortController().signal;

    const prepared = await runPrepareCompletion(
      { context, config: () => config },
      { params: { document, recentFiles }, roots: ['/repo'], signal },
    );
    assert.equal(prepared.contextChunks, 3);
    assert.equal(modelCalls, 0);
    await runInlineCompletion(
      { router, context, config: () => config },
      { params: { document, recentFiles }, sessionKey: 's', roots: ['/repo'], signal },
    );
    assert.equal(modelCalls, 1);

    // The same request as the completion's (so the same windows, layout and roots are cached), under its own deadline.
    const { completionId, deadlineMs, ...completion } = completions[0];
    assert.ok(completionId);
    const { deadlineMs: prepareDeadline, ...prepare } = prepares[0];
    assert.deepEqual(prepare, completion);
    assert.equal(prepare.layout, 'qwen-repo');
    assert.deepEqual(prepare.roots, ['/repo']);
    assert.equal(prepareDeadline, PREPARE_CONTEXT_DEADLINE_MS);
    assert.ok(prepareDeadline > deadlineMs);
  });
});
