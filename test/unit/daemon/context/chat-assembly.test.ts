import assert from 'node:assert/strict';
import { RenderedTokens, TokenCounter } from '../../../../daemon/context/budget';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatAssembler, importLines, type ChatRoot } from '../../../../daemon/context/chat-assembly';
import { parseContextConfig } from '../../../../daemon/context/config';
import type { ProjectRule } from '../../../../daemon/context/rules';
import { FakeRetrieval, RecordedDiagnostics, functionText, retrieved } from './assembly-fakes';

describe('context/chat-assembly', () => {
  const counter = new TokenCounter('cl100k_base');
  after(() => counter.dispose());

  const rules: ProjectRule[] = [
    { path: 'AGENTS.md', text: '# Rules\nPrefer named exports.' },
    { path: '.tandem/rules.md', text: 'Write tests first.' },
  ];

  function assembler(
    chunks = [retrieved('src/b.ts', 5, 'export const B = 2;'), retrieved('src/a.ts', 1, 'export const A = 1;')],
    config = {},
  ) {
    const retrieval = new FakeRetrieval(chunks);
    const diagnostics = new RecordedDiagnostics();
    const repo: ChatRoot = { root: '/repo', rules: { read: () => rules } };
    const a = new ChatAssembler({
      config: parseContextConfig(config),
      counter,
      tokens: new RenderedTokens(counter),
      retrieval,
      roots: {
        require: (root) => {
          if (root !== '/repo') throw new Error(`${root} is not a registered workspace root.`);
          return repo;
        },
        rootOf: (p) => (p.startsWith('/repo/') ? repo : undefined),
        all: () => [repo],
        semanticStatus: () => ({ active: false, reason: 'BM25 only' }),
      },
      diagnostics,
      now: () => performance.now(),
    });
    return { a, retrieval, diagnostics };
  }

  it('renders the rules, then the chunks as markdown in prompt order, counting exactly', async () => {
    const { a, retrieval, diagnostics } = assembler();
    const c = await a.assemble({ requestId: 'q1', query: 'What is B?', root: '/repo', budgetTokens: 2000 });
    assert.equal(
      c.text,
      [
        'Project rules (AGENTS.md):',
        '# Rules',
        'Prefer named exports.',
        '',
        'Project rules (.tandem/rules.md):',
        'Write tests first.',
        '',
        'Relevant code from the workspace:',
        '',
        'src/a.ts (lines 1-1):',
        '```typescript',
        'export const A = 1;',
        '```',
        '',
        'src/b.ts (lines 5-5):',
        '```typescript',
        'export const B = 2;',
        '```',
        '',
      ].join('\n'),
    );
    assert.equal(c.tokens, counter.count(c.text));
    assert.deepEqual(
      c.chunks.map((k) => k.file),
      ['src/a.ts', 'src/b.ts'],
    );
    assert.deepEqual(
      c.rules.map((r) => r.path),
      ['AGENTS.md', '.tandem/rules.md'],
    );
    assert.equal(retrieval.requests[0].prefix, 'What is B?');
    const d = diagnostics.byId.get('q1')!;
    assert.equal(d.kind, 'chat');
    assert.deepEqual(d.rules, ['AGENTS.md', '.tandem/rules.md']);
    assert.equal(d.tokens.total, c.tokens);
    assert.deepEqual(
      d.candidates.map((x) => x.outcome),
      ['selected', 'selected'],
    );
  });

  it('stays within the budget at every size, rules first, the lowest-ranked chunks going first', async () => {
    const chunks = Array.from({ length: 6 }, (_, i) => retrieved(`src/f${i}.ts`, 1, functionText(`helper${i}`, 4)));
    let previous = -1;
    for (const budget of [0, 10, 40, 120, 250, 500, 5000]) {
      const { a } = assembler(chunks);
      const c = await a.assemble({ query: 'helpers', root: '/repo', budgetTokens: budget });
      assert.ok(c.tokens <= budget, `${budget}: ${c.tokens}`);
      assert.equal(c.tokens, counter.count(c.text));
      // Chunks of one size: what is kept is the best-ranked few, more of them as the budget grows.
      const ranks = c.chunks.map((k) => Number(/f(\d)/.exec(k.file)![1])).sort();
      assert.deepEqual(
        ranks,
        ranks.map((_, i) => i),
        `${budget}`,
      );
      assert.ok(c.chunks.length >= previous, `${budget}: ${c.chunks.length} after ${previous}`);
      previous = c.chunks.length;
      if (budget >= 40) assert.equal(c.rules.length, 2, `${budget}: the rules come first`);
    }
  });

  it('puts the current document imports in the query, and searches every root without a root or path', async () => {
    const { a, retrieval } = assembler();
    await a.assemble({ query: 'q', path: '/repo/missing.ts', selection: 'sel', budgetTokens: 500 });
    assert.equal(retrieval.requests[0].path, '/repo/missing.ts');
    assert.equal(retrieval.requests[0].prefix, 'sel\nq', 'an unreadable document adds nothing');
    await a.assemble({ query: 'q', budgetTokens: 500 });
    assert.equal(retrieval.requests[1].path, '/repo/.tandem-chat-query');
    await assert.rejects(a.assemble({ query: 'q', root: '/other', budgetTokens: 500 }), /not a registered workspace root/);
  });

  it('contextBudget is chat.contextShare of the context window less the output reserve', () => {
    assert.equal(assembler(undefined, { chat: { contextShare: 0.25 } }).a.contextBudget(8192, 1024), 1792);
    assert.equal(assembler().a.contextBudget(100, 200), 0);
  });

  it('takes import lines only when the keyword is a whole word (user = … and fromage() are not imports)', () => {
    const text = [
      "import { a } from './a';",
      'import{b}from"./b"',
      'from pkg import thing',
      'use std::io;',
      "require('./setup');",
      "const fs = require('fs');",
      '#include <stdio.h>',
      "user = 'x'",
      'users.forEach(f)',
      'fromage()',
      'use_count = 3',
      'use = 3',
      'required: true',
      'importance = 1',
      'use: strict',
    ].join('\n');
    assert.deepEqual(importLines(text).split('\n'), [
      "import { a } from './a';",
      'import{b}from"./b"',
      'from pkg import thing',
      'use std::io;',
      "require('./setup');",
      "const fs = require('fs');",
      '#include <stdio.h>',
    ]);
  });

  it('reads the current document only inside its root: a symlinked file pointing outside adds no imports to the query', async () => {
    const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'tandem-chat-doc-')));
    try {
      const root = join(tmp, 'ws');
      mkdirSync(root);
      mkdirSync(join(tmp, 'outside'));
      writeFileSync(join(tmp, 'outside', 'secret.ts'), "import { OUTSIDE_ONLY } from './hidden';\n");
      writeFileSync(join(root, 'real.ts'), "import { INSIDE_NAME } from './b';\n");
      symlinkSync(join(tmp, 'outside', 'secret.ts'), join(root, 'link.ts'));
      const retrieval = new FakeRetrieval([]);
      const ws: ChatRoot = { root, rules: { read: () => [] } };
      const a = new ChatAssembler({
        config: parseContextConfig({}),
        counter,
        tokens: new RenderedTokens(counter),
        retrieval,
        roots: { require: () => ws, rootOf: () => ws, all: () => [ws], semanticStatus: () => ({ active: true }) },
        diagnostics: new RecordedDiagnostics(),
        now: () => performance.now(),
      });
      await a.assemble({ query: 'q', path: join(root, 'link.ts'), root, budgetTokens: 500 });
      await a.assemble({ query: 'q', path: join(root, 'real.ts'), root, budgetTokens: 500 });
      assert.equal(retrieval.requests[0].prefix, 'q', 'nothing of the outside file');
      assert.equal(retrieval.requests[1].prefix, "import { INSIDE_NAME } from './b';\nq");
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
