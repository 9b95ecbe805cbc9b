/**
 * Which members a workspace reaches through each receiver name: `c.req`, `c.json`,
 * `app.get`, counted per file at index time (`memberUsesIn`, file-analysis.ts, stored by
 * index-store.ts in `member_uses`) and summed over the workspace when a receiver's members
 * are ranked (`WorkspaceMemberUses`, member-ranking.ts). A name keeps its meaning across a
 * code base (`c` is the request context in every handler, `app` the application), so the
 * members most used through it elsewhere are the likeliest at a first use here, where
 * nothing in the document tells them apart.
 *
 * Only chain heads count (`c.req.header` is one use of `req` through `c`), read from the
 * text (comments and strings too: a doc example is a use). `this`/`self` say nothing across
 * classes and are left out. TypeScript, JavaScript and Go files (Go: `c.Next()` in every handler,
 * `prometheus.NewCounterVec` through a package's name; an index written before Go's were recorded
 * gains them as its Go files are indexed again).
 */
import type { Statement } from 'better-sqlite3';
import type { IndexStore } from './index-store';
import type { MemberUse } from './syntax/types';

/** Most receivers a file records, and members per receiver (the most used of each). */
const MAX_RECEIVERS = 200;
const MAX_MEMBERS = 50;
/** Files larger than this are not scanned (generated tables, bundles). */
const MAX_SCAN = 512 * 1024;
/** Receivers whose members belong to whichever class the code is in. */
const NOT_A_NAME = new Set(['this', 'self', 'super', 'import', 'new']);

export const MEMBER_USE_LANGUAGES = /^(typescript|typescriptreact|javascript|javascriptreact|go)$/;

/** The member uses of one file's text: receiver, member and how often, the most used first. */
export function memberUsesIn(text: string): MemberUse[] {
  const byReceiver = new Map<string, Map<string, number>>();
  const re = /(?<![\w$.])([A-Za-z_$][\w$]*)[ \t]*\??\.[ \t]*([A-Za-z_$][\w$]*)/g;
  for (const m of (text.length > MAX_SCAN ? '' : text).matchAll(re)) {
    const [, receiver, member] = m;
    if (NOT_A_NAME.has(receiver)) continue;
    let members = byReceiver.get(receiver);
    if (!members) byReceiver.set(receiver, (members = new Map()));
    members.set(member, (members.get(member) ?? 0) + 1);
  }
  const total = (ms: Map<string, number>) => [...ms.values()].reduce((a, b) => a + b, 0);
  const receivers = [...byReceiver].sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_RECEIVERS);
  const out: MemberUse[] = [];
  for (const [receiver, members] of receivers) {
    const top = [...members].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_MEMBERS);
    for (const [member, n] of top) out.push({ receiver, member, n });
  }
  return out;
}

/**
 * Tests use an API otherwise than the code they test (a test builds and calls the public
 * surface, the code beside it the internals): a file's uses count fully for a document of
 * its own kind (test or not), and this much for the other kind (hono: acc@1 of members .28
 * with all files alike, .31 with this weight; acc@5 the same).
 */
const OTHER_KIND_WEIGHT = 0.1;

/** A test file by its path: `x.test.ts`, `x.spec.js`, `x_test.ts`, or under `__tests__/`, `test/`, `tests/`. */
export function isTestPath(path: string): boolean {
  return /(^|\/)(__tests__|tests?)\/|[._-](test|spec)\.[cm]?[jt]sx?$|_test\.go$/.test(path);
}

/**
 * Most rows one receiver's sum reads (the first files indexed): a name common across a
 * large workspace (`e`, `app`) would otherwise cost a scan of all its rows at a keystroke,
 * about a microsecond each. 20,000 rows are hundreds of files' uses, plenty to rank by.
 */
export const MAX_SUMMED_ROWS = 20_000;

const throughSql = (maxRows: number) => `SELECT member, SUM(CASE WHEN test = ? THEN n ELSE n * ${OTHER_KIND_WEIGHT} END) AS n
  FROM (SELECT member, n, test FROM member_uses
        WHERE receiver = ? AND file_id IS NOT (SELECT id FROM files WHERE path = ?) LIMIT ${Math.max(1, Math.floor(maxRows))})
  GROUP BY member ORDER BY n DESC LIMIT 500`;

/** Most receivers remembered between index changes. */
const MAX_CACHED = 64;

/** The workspace's member uses through a receiver name, summed over its files (remembered until the index changes). */
export class WorkspaceMemberUses {
  private generation = -1;
  private readonly cache = new Map<string, Map<string, number>>();
  private stmt?: Statement<[number, string, string], { member: string; n: number }>;

  constructor(
    private readonly store: Pick<IndexStore, 'db' | 'generation'>,
    private readonly maxRows = MAX_SUMMED_ROWS,
  ) {}

  /**
   * How often each member is used through `receiver` in the workspace, except in `file`
   * (the document being edited: its saved text is not what the editor holds, and its own
   * uses are read from the editor's text); files of the other kind (tests for code, code
   * for a test) weigh OTHER_KIND_WEIGHT.
   */
  through(receiver: string, file: string): Map<string, number> {
    if (this.store.generation !== this.generation) {
      this.cache.clear();
      this.generation = this.store.generation;
    }
    const key = `${file}\0${receiver}`;
    let out = this.cache.get(key);
    if (!out) {
      this.stmt ??= this.store.db.prepare<[number, string, string], { member: string; n: number }>(throughSql(this.maxRows));
      const rows = this.stmt.all(isTestPath(file) ? 1 : 0, receiver, file);
      out = new Map(rows.map((r) => [r.member, r.n]));
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(key, out);
    }
    return out;
  }
}
