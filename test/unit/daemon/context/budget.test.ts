import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TokenCounter, clipPrefix, clipSuffix, completionBudget } from '../../../../daemon/context/budget';
import { copyFixtureRepo, cursorAt, makeEngine, tempDir } from './helpers';

describe('context/budget', () => {
  const counter = new TokenCounter('cl100k_base');
  after(() => counter.dispose());

  it('splits model context minus the output reserve into shares', () => {
    assert.deepEqual(completionBudget(4096, 128, { prefix: 0.5, suffix: 0.15, context: 0.35 }), {
      total: 3968,
      prefix: 1984,
      suffix: 595,
      context: 1389,
    });
    // Shares over 1 are scaled down; the total is never exceeded.
    const b = completionBudget(1000, 0, { prefix: 0.9, suffix: 0.9, context: 0.9 });
    assert.equal(b.prefix + b.suffix + b.context, 1000);
    assert.deepEqual(completionBudget(100, 200, { prefix: 0.5, suffix: 0.2, context: 0.3 }).total, 0);
  });

  it('counts tokens exactly (cl100k)', () => {
    assert.equal(counter.count(''), 0);
    assert.equal(counter.count('hello world'), 2);
    assert.equal(counter.count('<|endoftext|>'), 1);
  });

  it('shares one encoder per encoding: disposing one counter leaves the others counting', () => {
    const a = new TokenCounter('cl100k_base');
    const b = new TokenCounter('cl100k_base');
    a.dispose();
    a.dispose(); // idempotent: b's share is not released twice
    assert.equal(b.count('hello world'), 2);
    assert.equal(counter.count('hello world'), 2);
    assert.throws(() => a.count('x'), /after dispose/);
    b.dispose();
    const o = new TokenCounter('o200k_base');
    assert.equal(o.count('hello world'), 2);
    o.dispose();
    // Once every o200k counter is gone its encoder is freed; a new one builds it again.
    const again = new TokenCounter('o200k_base');
    assert.equal(again.count('hello world'), 2);
    again.dispose();
  });

  const doc = Array.from({ length: 400 }, (_, i) => `  const value${i} = compute(${i}, "text ${i}");`).join('\n');

  for (const max of [1, 7, 50, 333, 2000, 100_000]) {
    it(`clips a prefix to ${max} tokens at a line boundary with an exact count`, () => {
      const r = clipPrefix(counter, doc, max);
      assert.ok(r.tokens <= max, `${r.tokens} > ${max}`);
      assert.equal(r.tokens, counter.count(r.text));
      assert.ok(doc.endsWith(r.text));
      if (r.text.includes('\n'))
        assert.ok(doc.length === r.text.length || doc[doc.length - r.text.length - 1] === '\n', 'starts at a line start');
      assert.equal(r.clipped, r.text.length < doc.length);
      if (max >= 100_000) assert.equal(r.text, doc);
      if (max >= 50 && r.clipped) assert.ok(r.tokens >= max * 0.8, `uses the budget (${r.tokens} of ${max})`);
    });
    it(`clips a suffix to ${max} tokens at a line boundary with an exact count`, () => {
      const r = clipSuffix(counter, doc, max);
      assert.ok(r.tokens <= max);
      assert.equal(r.tokens, counter.count(r.text));
      assert.ok(doc.startsWith(r.text));
      if (r.text.includes('\n') && r.text.length < doc.length) assert.equal(doc[r.text.length], '\n');
    });
  }

  it('cuts the cursor line itself only when nothing else fits', () => {
    const long = 'x'.repeat(50) + ' ' + 'word '.repeat(400);
    const r = clipPrefix(counter, `first line\n${long}`, 20);
    assert.ok(r.tokens <= 20 && r.tokens > 0);
    assert.ok(long.endsWith(r.text));
  });

  it('counts add up across a newline followed by a line with text (what prompt assembly relies on)', () => {
    const dir = join(__dirname, '../../../../daemon/context');
    let checked = 0;
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.ts'))
      .sort()) {
      const text = readFileSync(join(dir, f), 'utf8').replace(/\n/g, (m, i: number) => (i % 7 === 0 ? '\r\n' : m));
      let seen = 0;
      for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) {
        if (!/^[ \t]*\S/.test(text.slice(i + 1, i + 200)) || seen++ % 5 !== 0) continue;
        const a = text.slice(Math.max(0, i - 300), i + 1);
        const b = text.slice(i + 1, i + 300);
        assert.equal(
          counter.count(a + b),
          counter.count(a) + counter.count(b),
          `${f}: ${JSON.stringify(a.slice(-20))} | ${JSON.stringify(b.slice(0, 20))}`,
        );
        checked++;
      }
    }
    assert.ok(checked > 200, `${checked} boundaries checked`);
    // A blank line does join: the reason a prefix starting with one is split further on.
    assert.notEqual(counter.count('x\n\n  y'), counter.count('x\n') + counter.count('\n  y'));
  });

  describe('completion assembly never exceeds the budget and reports exact counts', () => {
    let t: ReturnType<typeof tempDir>;
    let root: string;
    before(() => {
      t = tempDir('budget');
      root = copyFixtureRepo(t.dir);
    });
    after(() => t.cleanup());

    for (const tokenizer of ['cl100k_base', 'o200k_base'] as const) {
      it(`with ${tokenizer}, across cursors and context sizes`, async () => {
        const { engine } = makeEngine(join(t.dir, `home-${tokenizer}`), { tokenizer });
        const exact = new TokenCounter(tokenizer);
        try {
          await engine.indexRoot(root);
          let withContext = 0;
          for (const file of ['src/geometry/shapes.ts', 'src/app.ts', 'py/inventory.py']) {
            const text = readFileSync(join(root, file), 'utf8');
            const lines = text.split('\n').length;
            for (let line = 1; line <= lines; line += 3) {
              for (const numCtx of [256, 300, 600, 1000, 4096]) {
                const { prefix, suffix } = cursorAt(text, line);
                const a = await engine.assembleCompletion({
                  completionId: `${file}:${line}:${numCtx}`,
                  path: join(root, file),
                  languageId: file.endsWith('.py') ? 'python' : 'typescript',
                  prefix,
                  suffix,
                  line: line - 1,
                  character: 0,
                  recentFiles: [],
                  numCtx,
                  outputReserve: 128,
                  deadlineMs: 10_000,
                });
                const real = exact.count(a.prefix) + exact.count(a.suffix);
                assert.equal(a.tokens, real, `${file}:${line} numCtx ${numCtx}: reported ${a.tokens}, real ${real}`);
                assert.ok(real <= numCtx - 128, `${file}:${line} numCtx ${numCtx}: ${real} over ${numCtx - 128}`);
                assert.ok(
                  prefix.endsWith(a.prefix.slice(a.prefix.length - Math.min(a.prefix.length, 20))),
                  'the prefix ends at the cursor',
                );
                assert.ok(suffix.startsWith(a.suffix));
                const d = engine.diagnostics(`${file}:${line}:${numCtx}`)!;
                assert.equal(d.tokens.total, real);
                if (a.contextChunks > 0) withContext++;
              }
            }
          }
          assert.ok(withContext > 10, `retrieved context was used (${withContext} times)`);
        } finally {
          exact.dispose();
          await engine.dispose();
        }
      });
    }
  });
});
