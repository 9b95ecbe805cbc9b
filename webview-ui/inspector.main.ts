/**
 * "Why this suggestion?" — renders the daemon's context diagnostics of the last
 * completion: what was retrieved, with scores, sources, signals, the signal that placed
 * each chunk and the parser its file used; what was selected,
 * compacted, clipped and dropped; the token budget; retriever timings (expert).
 * DOM is built with textContent only (model output and file names are untrusted).
 */
import type { ContextCandidateInfo } from '../protocol/messages/context';
import type { HostToInspector, InspectorState, InspectorToHost } from './inspector-protocol';

interface VsCodeApi {
  postMessage(message: InspectorToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('root') as HTMLElement;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function table(headers: string[], rows: Array<Array<string | HTMLElement>>): HTMLTableElement {
  const t = el('table');
  const head = el('tr');
  for (const h of headers) head.append(el('th', h));
  t.append(head);
  for (const row of rows) {
    const tr = el('tr');
    for (const cell of row) {
      const td = el('td');
      if (typeof cell === 'string') td.textContent = cell;
      else td.append(cell);
      tr.append(td);
    }
    t.append(tr);
  }
  return t;
}

function candidateLink(c: ContextCandidateInfo, rootPath: string | undefined): HTMLElement {
  const a = el('a', `${c.file}:${c.startLine}-${c.endLine}`);
  a.href = '#';
  a.addEventListener('click', (e) => {
    e.preventDefault();
    vscode.postMessage({ type: 'openFile', root: rootPath, file: c.file, line: c.startLine });
  });
  return a;
}

function render(state: InspectorState): void {
  root.replaceChildren();
  const bar = el('div', undefined, 'bar');
  const refresh = el('button', 'Refresh');
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  bar.append(el('h1', 'Why this suggestion?'), refresh);
  root.append(bar);

  const s = state.suggestion;
  if (s) {
    root.append(
      el('p', `${s.model} @ ${s.backend} · ${s.languageId} · ${s.path}`, 'meta'),
      el(
        'p',
        `context ${Math.round(s.timings.contextMs)} ms · first token ${Math.round(s.timings.firstTokenMs)} ms · total ${Math.round(s.timings.totalMs)} ms · extension ${s.overheadMs.toFixed(1)} ms · from ${s.source}`,
        'meta',
      ),
      el('pre', s.text, 'suggestion'),
    );
  }
  if (state.error) root.append(el('p', state.error, 'error'));
  const d = state.diagnostics;
  if (!d) return;

  root.append(el('h2', 'Prompt budget (tokens)'));
  const budgetRows: string[][] = [
    ['prefix', String(d.tokens.prefix), String(d.budget.prefix), d.clipped.prefix ? `clipped (${d.clipped.prefixLines} lines kept)` : ''],
    ['suffix', String(d.tokens.suffix), String(d.budget.suffix), d.clipped.suffix ? `clipped (${d.clipped.suffixLines} lines kept)` : ''],
    ['retrieved context', String(d.tokens.context), String(d.budget.context), ''],
    ['total', String(d.tokens.total), String(d.budget.total), ''],
  ];
  root.append(table(['part', 'used', 'budget', 'note'], budgetRows));

  root.append(
    el(
      'p',
      d.semantic.active
        ? 'Semantic retrieval: on.'
        : `Semantic retrieval: off${d.semantic.reason ? ` (${d.semantic.reason})` : ''} — lexical (BM25) only.`,
      'meta',
    ),
  );
  if (d.compaction.ran) {
    root.append(
      el(
        'p',
        `Compaction: ${d.compaction.signatures} chunk(s) shrunk to signatures, ${d.compaction.merged} merged, ${d.compaction.duplicates} duplicate(s) removed.`,
        'meta',
      ),
    );
  }

  const order: ContextCandidateInfo['outcome'][] = ['selected', 'compacted', 'duplicate', 'capped', 'dropped'];
  const sorted = [...d.candidates].sort((a, b) => order.indexOf(a.outcome) - order.indexOf(b.outcome) || b.score - a.score);
  root.append(el('h2', `Retrieved chunks (${d.candidates.length})`));
  if (sorted.length === 0) root.append(el('p', 'Nothing was retrieved: the prompt holds only the text around the cursor.', 'meta'));
  else {
    root.append(
      table(
        ['outcome', 'chunk', 'placed by', 'score', 'sources', 'signals', 'parser', 'tokens'],
        sorted.map((c) => {
          const outcome = el('span', c.outcome, `outcome ${c.outcome}`);
          return [
            outcome,
            candidateLink(c, d.root),
            c.placedBy ?? '',
            c.score.toFixed(3),
            c.sources.join(', '),
            c.signals.join(', '),
            c.parser ?? '',
            String(c.tokens),
          ];
        }),
      ),
    );
  }

  if (state.expert) {
    root.append(el('h2', 'Retrievers'));
    root.append(
      table(
        ['retriever', 'status', 'ms', 'hits', 'reason'],
        d.retrievers.map((r) => [r.name, r.status, r.ms.toFixed(1), String(r.hits), r.reason ?? '']),
      ),
    );
    root.append(
      el('p', `Assembly took ${d.elapsedMs.toFixed(1)} ms${d.deadlineMs !== undefined ? ` (deadline ${d.deadlineMs} ms)` : ''}.`, 'meta'),
    );
  }
}

window.addEventListener('message', (event: MessageEvent<HostToInspector>) => {
  const message = event.data;
  if (message && message.type === 'state') render(message.state);
});

vscode.postMessage({ type: 'ready' });
