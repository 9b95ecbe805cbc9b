import assert from 'node:assert/strict';
import { runInlineCompletion } from '../../../../daemon/completion/inline';
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
});
