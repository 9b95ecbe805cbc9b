/**
 * Prompt stability while typing: at sample lines of real repositories (the dev
 * repositories of bench:retrieval, one per language, from its cache), the line is erased
 * and typed again keystroke by keystroke; at every keystroke the completion prompt is
 * assembled by the real engine (BM25 + imports + definitions, no embed model) and built
 * as the router would send it (`planFim`), for each context layout: `comments`
 * (DeepSeek-Coder here), `qwen-repo` (Qwen2.5-Coder) and `starcoder-repo` (StarCoder2).
 *
 * Reports, per layout, the prefix-kept share: of each prompt, the share of its characters
 * that are a prefix of the previous keystroke's prompt (what a server's prompt cache can
 * reuse), mean and p10 over all keystrokes, and how many keystrokes kept less than half
 * (a retrieval change early in the prompt: nearly a full re-read). Prints JSON; never asserts.
 *
 *   npm run bench:prompt-stability [-- --repos hono,rich --lines 8 --deadline 1000]
 *
 * `--deadline` (ms) is generous by default so that the figures measure the ranking's
 * determinism rather than this shared machine's load; `--deadline 30` measures both.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseContextConfig } from '../daemon/context/config';
import { TandemContextEngine } from '../daemon/context/engine';
import { languageOfPath } from '../daemon/context/languages';
import { PromptLayouts, type PromptLayout } from '../daemon/context/render';
import { nullLogger } from '../daemon/log';
import { planFim } from '../daemon/router/fim';
import { caseLanguageOf } from './retrieval/cases';
import { extract, readRepoList } from './retrieval/repos';
import { prng } from '../test/prng';

const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: 'hono,rich,gin,ripgrep,gson' },
    lines: { type: 'string', default: '8' },
    deadline: { type: 'string', default: '1000' },
  },
});
const LINES = Number(values.lines);
const DEADLINE = Number(values.deadline);
const MODEL: Record<PromptLayout, string> = {
  comments: 'deepseek-coder:1.3b-base',
  'qwen-repo': 'qwen2.5-coder:1.5b-base',
  'starcoder-repo': 'starcoder2:3b',
};
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function summary(shares: number[]) {
  const s = [...shares].sort((a, b) => a - b);
  return {
    keystrokes: s.length,
    mean: r3(s.reduce((x, y) => x + y, 0) / Math.max(1, s.length)),
    p10: r3(s[Math.floor(s.length * 0.1)] ?? 0),
    reReads: s.filter((x) => x < 0.5).length,
  };
}

async function main() {
  const list = readRepoList(join(__dirname, 'retrieval-repos.json'));
  const wanted = values.repos.split(',');
  const shares: Record<PromptLayout, number[]> = { comments: [], 'qwen-repo': [], 'starcoder-repo': [] };
  const repos: Array<Record<string, unknown>> = [];
  for (const repo of list.filter((r) => wanted.includes(r.name))) {
    const got = extract(repo);
    if (!got.ok) {
      repos.push({ name: repo.name, skipped: got.reason });
      continue;
    }
    process.stderr.write(`bench:prompt-stability: ${repo.name}…\n`);
    const home = mkdtempSync(join(tmpdir(), 'tandem-bench-stability-'));
    const engine = new TandemContextEngine({
      home,
      config: parseContextConfig({ watch: { enabled: false }, embeddings: { enabled: false } }),
      logger: nullLogger,
      backgroundEmbedding: false,
    });
    try {
      await engine.indexRoot(got.dir);
      const root = engine.roots()[0];
      const per: Record<PromptLayout, number[]> = { comments: [], 'qwen-repo': [], 'starcoder-repo': [] };
      // Sample lines: code lines of 20-80 characters in the repository's source files, seeded.
      const files = [...engine.rootOf(join(root, 'x'))!.store.files().keys()].filter((f) => caseLanguageOf(f, repo.language)).sort();
      const rand = prng(13);
      let sampled = 0;
      for (let tries = 0; sampled < LINES && tries < LINES * 50 && files.length > 0; tries++) {
        const file = files[Math.floor(rand() * files.length)];
        const text = readFileSync(join(root, file), 'utf8');
        const lines = text.split('\n');
        const i = Math.floor(rand() * lines.length);
        const line = lines[i];
        if (i < 5 || line.trim().length < 20 || line.length > 80 || /^\s*(\/\/|#|\*|\/\*)/.test(line)) continue;
        sampled++;
        const before = lines.slice(0, i).join('\n') + '\n';
        const after = '\n' + lines.slice(i + 1).join('\n');
        const indent = line.length - line.trimStart().length;
        for (const layout of PromptLayouts) {
          let prev: string | undefined;
          for (let k = indent; k <= line.length; k++) {
            const typed = line.slice(0, k);
            const p = await engine.assembleCompletion({
              completionId: `${file}:${i}:${k}`,
              path: join(root, file),
              languageId: languageOfPath(file) ?? 'plaintext',
              prefix: before + typed,
              suffix: after,
              line: i,
              character: k,
              recentFiles: [],
              numCtx: 4096,
              outputReserve: 128,
              deadlineMs: DEADLINE,
              layout,
            });
            const prompt = planFim(MODEL[layout], {}, p.prefix, p.suffix, [], p.repoContext).prompt;
            if (prev !== undefined) per[layout].push(commonPrefix(prev, prompt) / prompt.length);
            prev = prompt;
          }
        }
      }
      for (const l of PromptLayouts) shares[l].push(...per[l]);
      repos.push({
        name: repo.name,
        language: repo.language,
        lines: sampled,
        ...Object.fromEntries(PromptLayouts.map((l) => [l, summary(per[l])])),
      });
    } finally {
      await engine.dispose();
      rmSync(home, { recursive: true, force: true });
    }
  }
  const out = {
    settings: { lines: LINES, deadlineMs: DEADLINE, numCtx: 4096, models: MODEL },
    all: Object.fromEntries(PromptLayouts.map((l) => [l, summary(shares[l])])),
    repos,
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:prompt-stability: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
