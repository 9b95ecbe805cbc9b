/**
 * Go build constraints: a file compiles only where its `//go:build` expression and its name's
 * `_GOOS`/`_GOARCH` suffixes hold (`//go:build jsoniter`, `process_collector_windows.go`). Two files
 * of a package whose constraints never hold together are never compiled together, so one cannot use
 * the other's names (gin's codec/json declares `jsonApi` once per JSON library, one file per tag).
 */

/** A constraint: a boolean expression over build tags. */
export type GoConstraint = { tag: string } | { not: GoConstraint } | { and: GoConstraint[] } | { or: GoConstraint[] };

const GOOS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  'zos',
]);
const GOARCH = new Set([
  '386',
  'amd64',
  'arm',
  'arm64',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'ppc64',
  'ppc64le',
  'riscv64',
  's390x',
  'wasm',
]);
/** A GOOS that satisfies another's tag too. */
const IMPLIES = new Map([
  ['android', 'linux'],
  ['ios', 'darwin'],
  ['illumos', 'solaris'],
]);
const IMPLIED_BY = new Map([...IMPLIES].map(([os, also]) => [also, os]));
/** Most tags two constraints are checked over together (2^n assignments). */
const MAX_TAGS = 10;

/**
 * The constraint of a file: its `//go:build` line (read from `head`, the text before its package
 * clause) and its name's suffixes (`x_windows.go`, `x_linux_arm64.go`; `_test` aside); undefined
 * when it has none.
 */
export function goConstraint(path: string, head: string): GoConstraint | undefined {
  const parts: GoConstraint[] = [];
  const line = /^\/\/go:build\s+(.+)$/m.exec(head.slice(0, head.search(/^package\s/m) >>> 0));
  const expr = line ? parse(line[1].trim()) : undefined;
  if (expr) parts.push(expr);
  const words = path
    .slice(path.lastIndexOf('/') + 1)
    .replace(/\.go$/, '')
    .replace(/_test$/, '')
    .split('_')
    .slice(1);
  const last = words.at(-1);
  const before = words.at(-2);
  if (last && GOARCH.has(last)) {
    parts.push({ tag: last });
    if (before && GOOS.has(before)) parts.push({ tag: before });
  } else if (last && GOOS.has(last)) parts.push({ tag: last });
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : { and: parts };
}

/**
 * Whether two constraints can hold together, for some set of tags with at most one GOOS and one
 * GOARCH (android counting as linux too, ios as darwin, illumos as solaris; `unix` standing for the
 * Unix systems); true when there are too many tags to check.
 */
export function goCompatible(a: GoConstraint, b: GoConstraint): boolean {
  const tags = [...new Set([...tagsOf(a), ...tagsOf(b)])];
  if (tags.length > MAX_TAGS) return true;
  for (let bits = 0; bits < 1 << tags.length; bits++) {
    const on = new Set(tags.filter((_, i) => bits & (1 << i)));
    // GOOS=android also satisfies `linux`, ios `darwin`, illumos `solaris`.
    if ([...IMPLIES].some(([os, also]) => on.has(os) && tags.includes(also) && !on.has(also))) continue;
    const systems = [...on].filter((t) => GOOS.has(t) && !(IMPLIED_BY.has(t) && on.has(IMPLIED_BY.get(t)!)));
    if (systems.length > 1 || [...on].filter((t) => GOARCH.has(t)).length > 1) continue;
    if (on.has('unix') && [...on].some((t) => t === 'windows' || t === 'plan9' || t === 'js' || t === 'wasip1')) continue;
    if (holds(a, on) && holds(b, on)) return true;
  }
  return false;
}

function holds(c: GoConstraint, on: Set<string>): boolean {
  if ('tag' in c) return on.has(c.tag);
  if ('not' in c) return !holds(c.not, on);
  if ('and' in c) return c.and.every((x) => holds(x, on));
  return c.or.some((x) => holds(x, on));
}

function tagsOf(c: GoConstraint): string[] {
  if ('tag' in c) return [c.tag];
  if ('not' in c) return tagsOf(c.not);
  return ('and' in c ? c.and : c.or).flatMap(tagsOf);
}

/** `a && !(b || c)` → its expression; undefined when it does not parse. */
function parse(text: string): GoConstraint | undefined {
  const tokens = text.match(/&&|\|\||[!()]|[\w.]+|\S/g) ?? [];
  let i = 0;
  const or = (): GoConstraint | undefined => {
    const xs = [and()];
    while (tokens[i] === '||') {
      i++;
      xs.push(and());
    }
    return xs.some((x) => x === undefined) ? undefined : xs.length === 1 ? xs[0] : { or: xs as GoConstraint[] };
  };
  const and = (): GoConstraint | undefined => {
    const xs = [unary()];
    while (tokens[i] === '&&') {
      i++;
      xs.push(unary());
    }
    return xs.some((x) => x === undefined) ? undefined : xs.length === 1 ? xs[0] : { and: xs as GoConstraint[] };
  };
  const unary = (): GoConstraint | undefined => {
    const t = tokens[i++];
    if (t === '!') {
      const x = unary();
      return x ? { not: x } : undefined;
    }
    if (t === '(') {
      const x = or();
      return tokens[i++] === ')' ? x : undefined;
    }
    return t !== undefined && /^[\w.]+$/.test(t) ? { tag: t } : undefined;
  };
  const out = or();
  return i === tokens.length ? out : undefined;
}

/** What reading a file's constraint needs of the index: its chunks (the first holds the header). */
export interface GoBuildIndex {
  store: { chunkIdsOf(path: string): number[]; chunks(ids: number[]): Map<number, { startLine: number; text: string }> };
  syntax: { indexGeneration(): number };
}

/** Most files whose constraints are remembered per index. */
const MAX_CACHED = 5000;
const cached = new WeakMap<object, { generation: number; constraints: Map<string, GoConstraint | null> }>();

/** The constraint of an indexed file (its first chunk's text and its name), remembered until the index changes. */
export function goFileConstraint(index: GoBuildIndex, path: string): GoConstraint | undefined {
  const generation = index.syntax.indexGeneration();
  let entry = cached.get(index.store);
  if (!entry || entry.generation !== generation) cached.set(index.store, (entry = { generation, constraints: new Map() }));
  let c = entry.constraints.get(path);
  if (c === undefined) {
    const ids = index.store.chunkIdsOf(path);
    const first = ids.length > 0 ? index.store.chunks([Math.min(...ids)]).get(Math.min(...ids)) : undefined;
    c = goConstraint(path, first && first.startLine === 1 ? first.text : '') ?? null;
    if (entry.constraints.size >= MAX_CACHED) entry.constraints.clear();
    entry.constraints.set(path, c);
  }
  return c ?? undefined;
}
