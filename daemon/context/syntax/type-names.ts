/**
 * The plain name a written type stands for, whose members a receiver of that type has:
 * references, pointers, slices, package paths and quotes go, and so do the wrappers whose
 * members are their content's (smart pointers, optionals, locks, `Promise` after `await`,
 * `Result` after `?`), while other generics keep their own name (`Map<K, V>` is a Map).
 */
/** Generic wrappers whose members are their content's (smart pointers, optionals, locks) or stand for it after `await`. */
const WRAPPERS = new Set([
  'Option',
  'Optional',
  'Box',
  'Arc',
  'Rc',
  'Weak',
  'RefCell',
  'Mutex',
  'RwLock',
  'Cow',
  'Promise',
  'PromiseLike',
  'Readonly',
  // TypeScript's utility types whose members are (some of) their first argument's.
  'Partial',
  'Required',
  'NonNullable',
  'Pick',
  'Omit',
  'Awaited',
  'InstanceType',
  'Ref',
  'RefMut',
  'MutexGuard',
  'Pin',
  // Rust: what a ready poll holds (`ready!(x.poll_read(cx))?`, rust-macros.ts).
  'Poll',
  'Awaitable',
  'Result',
  'Final',
  'ClassVar',
  'Annotated',
  'Type',
  'type',
]);
const NOT_TYPES = /^(var|auto|let|const|val|dynamic|any|unknown|object|Object|None|null|undefined|void|never|mixed|impl|dyn|mut)$/;

/** The plain type name a type's text stands for: `&mut Foo<T>` → Foo, `*pkg.Foo` → Foo, `Optional["Foo"]` → Foo, `Foo | undefined` → Foo. */
export function plainType(text: string): string | undefined {
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
      if (WRAPPERS.has(outer) && args[0]) {
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
