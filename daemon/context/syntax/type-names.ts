/**
 * The plain name a written type stands for, whose members a receiver of that type has:
 * references, pointers, slices, package paths and quotes go, and so do the wrappers whose
 * members are their content's (smart pointers, optionals, locks, `Promise` after `await`,
 * `Result` after `?`), while other generics keep their own name (`Map<K, V>` is a Map).
 */
/**
 * Generic wrappers whose members are their content's (smart pointers, optionals, locks) or
 * stand for it after `await`, per language: the same name means something else elsewhere
 * (Vue's `Ref<T>` has a `.value`, a TypeScript `Result<T, E>` or `Option<T>` library type
 * has its own members), so a caller that knows its grammar unwraps only that language's.
 */
const RUST_WRAPPERS = [
  'Option',
  'Box',
  'Arc',
  'Rc',
  'Weak',
  'RefCell',
  'Mutex',
  'RwLock',
  'Cow',
  'Ref',
  'RefMut',
  'MutexGuard',
  'Pin',
  // What a ready poll holds (`ready!(x.poll_read(cx))?`, rust-macros.ts).
  'Poll',
  // After `?`.
  'Result',
];
const TS_WRAPPERS = [
  'Promise',
  'PromiseLike',
  'Readonly',
  // Utility types whose members are (some of) their first argument's.
  'Partial',
  'Required',
  'NonNullable',
  'Pick',
  'Omit',
  'Awaited',
  'InstanceType',
];
const PYTHON_WRAPPERS = ['Optional', 'Awaitable', 'Final', 'ClassVar', 'Annotated', 'Type', 'type'];
const WRAPPERS_OF: Partial<Record<string, ReadonlySet<string>>> = {
  rust: new Set(RUST_WRAPPERS),
  typescript: new Set(TS_WRAPPERS),
  tsx: new Set(TS_WRAPPERS),
  javascript: new Set(TS_WRAPPERS),
  python: new Set(PYTHON_WRAPPERS),
  java: new Set(['Optional']),
  go: new Set(),
  cpp: new Set(),
  c_sharp: new Set(),
  ruby: new Set(),
  php: new Set(),
};
/** Any language's, for a caller that does not know its grammar (or a language parsed by the heuristics). */
const ALL_WRAPPERS: ReadonlySet<string> = new Set([...RUST_WRAPPERS, ...TS_WRAPPERS, ...PYTHON_WRAPPERS]);
const NOT_TYPES = /^(var|auto|let|const|val|dynamic|any|unknown|object|Object|None|null|undefined|void|never|mixed|impl|dyn|mut)$/;

/**
 * The plain type name a type's text stands for: `&mut Foo<T>` → Foo, `*pkg.Foo` → Foo,
 * `Optional["Foo"]` → Foo, `Foo | undefined` → Foo. With `grammar`, only that language's
 * wrappers are seen through (a Go or C++ `Box<T>` is a Box); without it, or for a language
 * the heuristics parse, any language's.
 */
export function plainType(text: string, grammar?: string): string | undefined {
  const wrappers = (grammar !== undefined ? WRAPPERS_OF[grammar] : undefined) ?? ALL_WRAPPERS;
  let t = text.trim().replace(/^:\s*/, '');
  for (let guard = 0; guard < 8; guard++) {
    t = t
      .replace(
        /^(?:&\s*(?:'\w+\s+)?|\*+\s*|\[\]\s*|\.\.\.\s*|(?:mut|const|readonly|final|impl|dyn|typeof|keyof|unique|volatile|struct|class|enum|union|ref|out|in)\s+)+/,
        '',
      )
      .trim()
      .replace(/^['"`](.*)['"`]$/, '$1')
      .trim();
    const union = splitTop(t, '|');
    if (union.length > 1) {
      t = union.find((u) => !/^(undefined|null|None|void)$/.test(u.trim())) ?? '';
      continue;
    }
    const g = /^([A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*)\s*(?:<(.*)>|\[(.*)\])(?:\s*\[\])*\s*[?!]?$/s.exec(t);
    if (g) {
      const outer = g[1].split(/\.|::/).pop()!;
      const args = splitTop(g[2] ?? g[3] ?? '', ',');
      if (wrappers.has(outer) && args[0]) {
        t = args[0];
        continue;
      }
      t = g[1];
    }
    break;
  }
  const m = /^([A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*)/.exec(t);
  const name = m?.[1].split(/\.|::/).pop();
  return name && !NOT_TYPES.test(name) ? name : undefined;
}

/** Split at `sep` outside brackets (`=>` and `->` close none), each part trimmed, empty ones dropped. */
export function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '<' || c === '[' || c === '(' || c === '{') depth++;
    else if ((c === '>' && s[i - 1] !== '=' && s[i - 1] !== '-') || c === ']' || c === ')' || c === '}') depth--;
    else if (c === sep && depth === 0) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out.map((x) => x.trim()).filter((x) => x !== '');
}
