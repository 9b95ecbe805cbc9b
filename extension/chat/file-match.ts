/**
 * Ranking workspace paths for `@` completion: every query character must appear in
 * order; matches in the file name, at word starts and contiguous runs rank higher,
 * shorter paths break ties. Pure and deterministic.
 */
export function matchScore(path: string, query: string): number | undefined {
  if (query === '') return 1000 - path.length;
  const p = path.toLowerCase();
  const q = query.toLowerCase();
  const nameStart = p.lastIndexOf('/') + 1;
  let score = 0;
  let from = 0;
  let prev = -2;
  for (const ch of q) {
    const at = p.indexOf(ch, from);
    if (at < 0) return undefined;
    if (at === prev + 1) score += 5;
    if (at >= nameStart) score += 3;
    if (at === 0 || '/._-'.includes(p[at - 1])) score += 4;
    prev = at;
    from = at + 1;
  }
  if (p.slice(nameStart).startsWith(q)) score += 20;
  if (p.includes(q)) score += 10;
  return score * 100 - path.length;
}

export function rankPaths(paths: string[], query: string, limit: number): string[] {
  const scored: Array<{ path: string; score: number }> = [];
  for (const path of paths) {
    const score = matchScore(path, query);
    if (score !== undefined) scored.push({ path, score });
  }
  scored.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
  return scored.slice(0, limit).map((s) => s.path);
}
