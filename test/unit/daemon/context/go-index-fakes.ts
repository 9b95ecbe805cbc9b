import type { GoValueIndex } from '../../../../daemon/context/go-values';
import type { ChunkRow } from '../../../../daemon/context/index-store';
import type { DefinitionSite } from '../../../../daemon/context/syntax/facts';

/** An index of one chunk per Go definition, each declared on its chunk's first line (10), in `path` unless it names its own. */
export function goDefinitionsIndex(
  defs: Array<[name: string, kind: string, text: string, path?: string]>,
  path = 'pkg/a.go',
): { index: GoValueIndex; sites: DefinitionSite[]; rows: Map<number, ChunkRow> } {
  const rows = new Map<number, ChunkRow>();
  const sites: DefinitionSite[] = defs.map(([name, kind, text, own = path], i) => {
    const id = i + 1;
    rows.set(id, {
      id,
      path: own,
      language: 'go',
      startLine: 10,
      endLine: 10 + text.split('\n').length,
      hash: 'h',
      symbols: [name],
      text,
      context: '',
    });
    return { name, kind, path: own, line: 10, chunkId: id };
  });
  return {
    sites,
    rows,
    index: {
      chunks: (ids) => new Map(ids.filter((i) => rows.has(i)).map((i) => [i, rows.get(i)!])),
      definitions: (name) => sites.filter((s) => s.name === name),
    },
  };
}
