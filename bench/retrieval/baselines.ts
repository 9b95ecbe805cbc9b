/**
 * The two baselines, on the benchmark's own fixed pieces of text (so they do not move
 * when the engine's chunking changes):
 *
 *  - `jaccard-windows`: what Copilot does with neighbouring tabs — Jaccard similarity of
 *    the word sets of the last 20 lines before the cursor and of every 20-line sliding
 *    window of the "open" files (simulated generously by the caller: the current file's
 *    folder and the files declaring a name used above the cursor), best windows first,
 *    overlapping ones skipped;
 *  - `bm25`: plain BM25 (k1 1.2, b 0.75, whole lowercase words, no identifier splitting,
 *    no signals) over 30-line blocks of every file, queried with the last 10 lines.
 */

export interface Ranked {
  file: string;
  startLine: number;
  endLine: number;
}

const words = (text: string) => (text.toLowerCase().match(/[a-z_$][a-z0-9_$]*/g) ?? []).filter((w) => w.length > 1);

export function jaccardWindows(query: string, neighbours: Array<{ rel: string; lines: string[] }>, k = 10): Ranked[] {
  const q = new Set(words(query));
  const W = 20;
  const scored: Array<Ranked & { score: number }> = [];
  for (const f of neighbours) {
    const lineWords = f.lines.map((l) => words(l));
    for (let s = 0; s < Math.max(1, f.lines.length - W + 1); s++) {
      const win = new Set<string>();
      for (let i = s; i < Math.min(f.lines.length, s + W); i++) for (const w of lineWords[i]) win.add(w);
      let inter = 0;
      for (const w of win) if (q.has(w)) inter++;
      const union = q.size + win.size - inter;
      scored.push({ file: f.rel, startLine: s + 1, endLine: Math.min(f.lines.length, s + W), score: union === 0 ? 0 : inter / union });
    }
  }
  scored.sort((a, b) => b.score - a.score || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.startLine - b.startLine));
  const out: Ranked[] = [];
  for (const w of scored) {
    if (out.some((o) => o.file === w.file && w.startLine <= o.endLine && o.startLine <= w.endLine)) continue;
    out.push(w);
    if (out.length >= k) break;
  }
  return out;
}

export class PlainBm25 {
  private readonly docs: Array<Ranked & { tf: Map<string, number>; len: number }> = [];
  private readonly df = new Map<string, number>();
  private readonly avgLen: number;

  constructor(files: Array<{ rel: string; lines: string[] }>, blockLines = 30) {
    for (const f of files) {
      for (let s = 0; s < f.lines.length; s += blockLines) {
        const ws = words(f.lines.slice(s, s + blockLines).join('\n'));
        const tf = new Map<string, number>();
        for (const w of ws) tf.set(w, (tf.get(w) ?? 0) + 1);
        for (const w of tf.keys()) this.df.set(w, (this.df.get(w) ?? 0) + 1);
        this.docs.push({ file: f.rel, startLine: s + 1, endLine: Math.min(f.lines.length, s + blockLines), tf, len: ws.length });
      }
    }
    this.avgLen = this.docs.reduce((s, d) => s + d.len, 0) / Math.max(1, this.docs.length);
  }

  search(query: string, exclude: (d: Ranked) => boolean, k = 10): Ranked[] {
    const q = new Set(words(query));
    const N = this.docs.length;
    const scored: Array<{ d: Ranked; s: number }> = [];
    for (const d of this.docs) {
      let s = 0;
      for (const w of q) {
        const f = d.tf.get(w);
        if (!f) continue;
        const df = this.df.get(w)!;
        s += (Math.log(1 + (N - df + 0.5) / (df + 0.5)) * f * 2.2) / (f + 1.2 * (0.25 + (0.75 * d.len) / this.avgLen));
      }
      if (s > 0 && !exclude(d)) scored.push({ d, s });
    }
    scored.sort((a, b) => b.s - a.s || (a.d.file < b.d.file ? -1 : a.d.file > b.d.file ? 1 : a.d.startLine - b.d.startLine));
    return scored.slice(0, k).map((x) => x.d);
  }
}
