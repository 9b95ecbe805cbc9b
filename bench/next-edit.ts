/**
 * Overhead of a next-edit suggestion on a real repository: this repository's sources
 * copied into a workspace the real daemon (`node dist/daemon.js serve`, temporary
 * TANDEM_HOME) indexes, the extension's own pure core and client (edit history,
 * excerpt, request, placement, tracking) driving it, and the fake Ollama (zero delay,
 * same process) answering the Sweep prompt with the window where the user's rename
 * is carried to its next use. The pause after the edit is set to 0 so it is not counted.
 *
 *   edit → upstream  = the fake has read the request − the edit was made (history + core)
 *   answer → shown   = the suggestion was handed to the view − the fake ended its answer
 *
 * Each sample renames an identifier on a line of a file whose next line uses it. Prints
 * JSON; figures are never asserted.
 *
 *   npm run bench:next-edit [-- --samples 300] [--context-deadline 0]
 */
import { cpSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NextEditRequest } from '../protocol';
import { liveLock } from '../protocol/lockfile';
import { systemClock } from '../extension/clock';
import { requestWithSignal } from '../extension/connection/daemon-session';
import { nullLogger } from '../extension/log';
import { Cadence } from '../extension/next-edit/cadence';
import { lineChange } from '../extension/next-edit/changes';
import { NextEditCore, type DocumentSnapshot, type NextEditView } from '../extension/next-edit/core';
import { EditHistory } from '../extension/next-edit/edit-history';
import { excerptRange } from '../extension/next-edit/excerpt';
import { NextEditTracker } from '../extension/next-edit/tracker';
import { TandemClient } from '../extension/tandem-client';
import { FakeOllama, tandemDefaultModels, tandemNextEditModel } from '../test/fake-ollama';
import { removeHome, startDaemon, tempHome } from '../test/integration/daemon-harness';
import { summarize } from './stats';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '300' },
    warmup: { type: 'string', default: '30' },
    // The daemon's nextEdit.contextDeadlineMs (default 40; 0 = no related code from other files).
    'context-deadline': { type: 'string' },
  },
});
const SAMPLES = Number(values.samples);
const WARMUP = Number(values.warmup);
const CONTEXT_DEADLINE = values['context-deadline'] === undefined ? undefined : Number(values['context-deadline']);
const repo = resolve(__dirname, '..');
const MODEL = 'hf.co/sweepai/sweep-next-edit-1.5B';
const now = () => performance.timeOrigin + performance.now();

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

interface Case {
  path: string;
  lines: string[];
  line: number;
  word: string;
}

/** Lines of the workspace's files that declare a name the next line uses again: the renames to sample. */
function cases(workspace: string): Case[] {
  const out: Case[] = [];
  for (const path of tsFiles(workspace).sort()) {
    const lines = readFileSync(path, 'utf8').split('\n');
    for (let l = 0; l + 1 < lines.length && out.length < 5_000; l++) {
      const m = /\b(?:const|let)\s+([a-z][A-Za-z0-9]{2,})\b/.exec(lines[l]);
      if (m && new RegExp(`\\b${m[1]}\\b`).test(lines[l + 1])) out.push({ path, lines, line: l, word: m[1] });
    }
  }
  return out;
}

async function run(): Promise<void> {
  const fake = new FakeOllama({ models: [...tandemDefaultModels(), tandemNextEditModel()], defaultReply: { chunks: [''] } });
  await fake.start();
  const home = tempHome('tandem-bench-next-edit-');
  const workspace = join(home, 'workspace');
  mkdirSync(workspace, { recursive: true });
  for (const dir of ['protocol', 'daemon', 'extension', 'shared']) cpSync(join(repo, dir), join(workspace, dir), { recursive: true });
  const nextEdit = CONTEXT_DEADLINE === undefined ? {} : { nextEdit: { contextDeadlineMs: CONTEXT_DEADLINE } };
  const daemon = await startDaemon(home, { backends: [], ...nextEdit }, { TANDEM_OLLAMA_URL: fake.url });
  const client = new TandemClient({
    client: { name: 'bench-next-edit', version: '0.0.0' },
    findLive: () => liveLock(home),
    startDaemon: () => Promise.reject(new Error('the benchmark starts the daemon itself')),
    explainExit: async () => 'unexpected exit',
    settings: () => ({}),
    workspaceRoots: () => [workspace],
    clock: systemClock,
    log: nullLogger,
  });
  try {
    await client.start();
    const indexStarted = Date.now();
    let indexed = 'no context engine';
    while (Date.now() - indexStarted < 120_000) {
      const s = await client.refreshStatus();
      const ix = s.indexing?.find((i) => i.root.endsWith('workspace'));
      if (ix) indexed = `${ix.state} ${ix.filesDone}/${ix.filesTotal}`;
      if (!ix || ix.state !== 'indexing') break;
      await sleep(200);
    }

    let doc: Case & { text: string[]; version: number; cursor: { line: number; character: number } };
    let shownAt = 0;
    const view: NextEditView = {
      inline: () => (shownAt = now()),
      preview: () => (shownAt = now()),
      jump: () => (shownAt = now()),
      hide: () => undefined,
      moveCursor: () => undefined,
      apply: async () => true,
    };
    const history = new EditHistory();
    const tracker = new NextEditTracker({ clock: systemClock, now: () => Date.now(), emit: () => undefined, onOutcome: () => undefined });
    const core = new NextEditCore({
      clock: systemClock,
      now: () => Date.now(),
      backend: {
        suggest: (p, signal) => requestWithSignal(signal, (token) => client.connection.sendRequest(NextEditRequest.type, p, token)),
      },
      history,
      cadence: new Cadence({ basePauseMs: 0 }),
      tracker,
      view,
      log: nullLogger,
      // As the VS Code side builds it: the excerpt around the cursor, the visible lines.
      snapshot: (): DocumentSnapshot => {
        const { startLine, endLine } = excerptRange(doc.text.length, doc.cursor.line, (l) => doc.text[l].length);
        return {
          path: doc.path,
          languageId: 'typescript',
          version: doc.version,
          lineCount: doc.text.length,
          cursor: doc.cursor,
          text: doc.text.slice(startLine, endLine).join('\n'),
          startLine,
          visible: [{ startLine: Math.max(0, doc.cursor.line - 30), endLine: doc.cursor.line + 30 }],
          workspaceRoot: workspace,
          diagnostics: [],
          lineText: (l) => doc.text[l] ?? '',
        };
      },
      completionVisible: () => false,
      enabled: () => true,
      recentFiles: () => [],
      includePrompt: () => false,
      onExchange: (_params, result) => {
        daemonContext.push(result.timings.contextMs);
        daemonParse.push(result.timings.parseMs ?? 0);
      },
    });

    const all = cases(workspace);
    const daemonContext: number[] = [];
    const daemonParse: number[] = [];
    const editToUpstream: number[] = [];
    const answerToShown: number[] = [];
    let notShown = 0;
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const c = all[(i * 7919) % all.length];
      const renamed = `${c.word}R${i}`;
      const before = c.lines.join('\n');
      const text = [...c.lines];
      const col = text[c.line].search(new RegExp(`\\b${c.word}\\b`));
      text[c.line] = text[c.line].slice(0, col) + renamed + text[c.line].slice(col + c.word.length);
      // What the model should answer: the 21-line window with the next use renamed too.
      const from = Math.max(0, c.line - 10);
      const to = Math.min(text.length, c.line + 11);
      const next = [...text];
      next[c.line + 1] = next[c.line + 1].replace(new RegExp(`\\b${c.word}\\b`), renamed);
      fake.addRule(
        {
          path: '/api/generate',
          model: MODEL,
          match: `current/`,
          matchRegex: renamed,
          chunks: ['\n', `${next.slice(from, to).join('\n')}\n`],
          times: 1,
        },
        true,
      );
      doc = { ...c, text, version: i + 1, cursor: { line: c.line, character: col + renamed.length } };
      history.forget(c.path);
      history.track(c.path, before);
      shownAt = 0;
      const offset = c.lines.slice(0, c.line).reduce((n, l) => n + l.length + 1, 0) + col;
      const change = {
        range: { start: { line: c.line, character: col }, end: { line: c.line, character: col + c.word.length } },
        rangeOffset: offset,
        rangeLength: c.word.length,
        text: renamed,
      };

      const editedAt = now();
      history.change(
        c.path,
        text.join('\n'),
        [{ rangeOffset: offset, rangeLength: c.word.length, startLine: c.line, endLine: c.line, text: renamed }],
        Date.now(),
      );
      core.documentChanged(c.path, lineChange([change]));
      // Until it is shown, or the answer has been in for a while without being shown (a refusal).
      const entryOf = () => fake.requestsTo('/api/generate').find((r) => (r.body as { prompt?: string }).prompt?.includes(renamed));
      const deadline = Date.now() + 10_000;
      while (shownAt === 0 && Date.now() < deadline) {
        const ended = entryOf()?.endedAt;
        if (ended !== undefined && now() - ended > 500) break;
        await sleep(2);
      }
      const entry = entryOf();
      core.reject();
      if (i < WARMUP) continue;
      if (!entry || shownAt === 0 || entry.endedAt === undefined) {
        notShown++;
        continue;
      }
      editToUpstream.push(entry.time - editedAt);
      answerToShown.push(shownAt - entry.endedAt);
      if (i % 50 === 0) fake.clearRequests();
    }
    const stats = (await (await fetch(daemon.url('/metrics'))).text())
      .split('\n')
      .filter((l) => l.startsWith('tandem_next_edit_overhead_seconds_sum') || l.startsWith('tandem_next_edit_overhead_seconds_count'));
    const a = summarize(editToUpstream);
    const b = summarize(answerToShown);
    const out = {
      benchmark: 'next-edit-overhead',
      unit: 'ms',
      definitions: {
        editToUpstream:
          'edit made (edit history + core) → the fake Ollama has read the request: excerpt, history, JSON-RPC, retrieval, prompt in the Sweep format within its budget',
        answerToShown:
          'the fake Ollama ended its answer → the suggestion handed to the view: parse, minimal replacements, JSON-RPC, placement, tracking',
      },
      machine: { cpus: cpus().length, node: process.version },
      workspace: { files: 'protocol/, daemon/, extension/, shared/ of this repo', index: indexed, cases: all.length },
      contextDeadlineMs: CONTEXT_DEADLINE ?? 'default (40)',
      samples: editToUpstream.length,
      notShown,
      editToUpstream: a,
      answerToShown: b,
      daemonBreakdown: {
        contextMs: summarize(daemonContext.slice(WARMUP)),
        parseMs: summarize(daemonParse.slice(WARMUP)),
      },
      daemonOverheadMetric: stats,
      target: { p95: 10 },
      meetsTarget: a.p95 <= 10 && b.p95 <= 10,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    core.dispose();
  } finally {
    client.dispose();
    await daemon.stop();
    await fake.stop();
    removeHome(home);
  }
}

void run().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
