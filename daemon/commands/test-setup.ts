/**
 * Where and with what a project tests: the framework from its manifest (package.json
 * dependencies, scripts and config files; pyproject.toml and pytest's files; go.mod;
 * Cargo.toml; Maven and Gradle files), and the test file for a source file from the
 * tests that already exist: next to their sources (`sum.test.ts`, `sum_test.go`), or in
 * a tree mirroring the sources (`test/unit/x/y.test.ts` for `x/y.ts`, `tests/test_y.py`),
 * with the suffix most of them use. Without tests to learn from, each language's usual
 * place. The file system comes in through `SetupFs`, so this is tested on fixtures.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import type { TestSetup } from '../../protocol';
import { readInsideRoots } from '../../shared/paths';

export interface SetupFs {
  isFile(path: string): boolean;
  read(path: string): string | undefined;
  /** Entries of a directory: names, with "/" appended to directories. */
  list(dir: string): string[];
}

/**
 * The disk, confined to the session's roots: manifests and existing tests are read with the
 * checked read (`readInsideRoots`: realpath inside a root on the opened descriptor, never
 * `.git`, at most 1 MB), so a symlinked package.json or test file pointing outside reads
 * nothing. Listing a directory only names entries; nothing is read through it.
 */
export function setupFsFor(roots: readonly string[]): SetupFs {
  return {
    isFile: (p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    },
    read: (p) => {
      const read = readInsideRoots(p, roots, { maxBytes: 1024 * 1024 });
      return read.ok ? read.bytes.toString('utf8') : undefined;
    },
    list: (dir) => {
      try {
        return readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
      } catch {
        return [];
      }
    },
  };
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', 'build', 'target', '.venv', 'venv', '__pycache__', 'vendor', 'coverage']);
const MAX_FILES = 5000;

type Family = 'js' | 'python' | 'go' | 'rust' | 'java' | 'other';

function familyOf(languageId: string): Family {
  if (['typescript', 'typescriptreact', 'javascript', 'javascriptreact'].includes(languageId)) return 'js';
  if (languageId === 'python') return 'python';
  if (languageId === 'go') return 'go';
  if (languageId === 'rust') return 'rust';
  if (languageId === 'java' || languageId === 'kotlin') return 'java';
  return 'other';
}

const MANIFESTS: Record<Family, string[]> = {
  js: ['package.json'],
  python: ['pyproject.toml', 'setup.cfg', 'pytest.ini', 'tox.ini', 'setup.py'],
  go: ['go.mod'],
  rust: ['Cargo.toml'],
  java: ['pom.xml', 'build.gradle', 'build.gradle.kts'],
  other: [],
};

/** A test file's name parts: `sum.test.ts` → base `sum`, style `.test`; `test_sum.py` → `sum`, `test_`. */
export function testNameOf(file: string): { base: string; style: string } | undefined {
  const ext = extname(file);
  const stem = basename(file, ext);
  let m = /^(.*)(\.test|\.spec|_test|_spec|Test|Tests|Spec)$/.exec(stem);
  if (m && m[1]) return { base: m[1], style: m[2]! };
  m = /^test_(.+)$/.exec(stem);
  if (m && (ext === '.py' || ext === '.rb')) return { base: m[1]!, style: 'test_' };
  return undefined;
}

function testFileName(base: string, style: string, ext: string): string {
  return style === 'test_' ? `test_${base}${ext}` : `${base}${style}${ext}`;
}

export function detectTestSetup(root: string, sourcePath: string, languageId: string, fs: SetupFs): TestSetup {
  const family = familyOf(languageId);
  const evidence: string[] = [];
  const projectDir = nearestManifestDir(root, dirname(sourcePath), MANIFESTS[family], fs) ?? root;
  const framework = detectFramework(family, projectDir, root, fs, evidence);
  const ext = extname(sourcePath);
  const base = basename(sourcePath, ext);
  const rel = (p: string) => relative(root, p).split(sep).join('/');

  if (family === 'rust') {
    evidence.push('Rust unit tests live in a `#[cfg(test)] mod tests` module of the source file.');
    return { framework, testPath: sourcePath, relativeTestPath: rel(sourcePath), exists: true, evidence };
  }
  if (family === 'go') {
    const testPath = join(dirname(sourcePath), `${base}_test.go`);
    evidence.push('Go tests sit next to the source as `<name>_test.go`.');
    return { framework, testPath, relativeTestPath: rel(testPath), exists: fs.isFile(testPath), evidence };
  }

  const tests = listFiles(projectDir, fs).filter((f) => testNameOf(f) !== undefined && sameFamily(f, family));
  const sourceRel = relative(projectDir, sourcePath).split(sep).join('/');
  const placed = placeFromExisting(tests, sourceRel, base, ext, projectDir, fs);
  if (placed) {
    evidence.push(placed.evidence);
    const testPath = join(projectDir, placed.path);
    return { framework, testPath, relativeTestPath: rel(testPath), exists: fs.isFile(testPath), evidence };
  }
  const fallback = conventionalPath(family, sourceRel, base, ext);
  evidence.push(
    `No existing tests to follow, so the ${family === 'other' ? 'usual' : family === 'js' ? 'JavaScript' : family} convention: ${fallback}.`,
  );
  const testPath = join(projectDir, fallback);
  return { framework, testPath, relativeTestPath: rel(testPath), exists: fs.isFile(testPath), evidence };
}

function sameFamily(file: string, family: Family): boolean {
  const ext = extname(file);
  if (family === 'js') return ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'].includes(ext);
  if (family === 'python') return ext === '.py';
  if (family === 'java') return ext === '.java' || ext === '.kt';
  return true;
}

function nearestManifestDir(root: string, from: string, names: readonly string[], fs: SetupFs): string | undefined {
  if (names.length === 0) return undefined;
  for (let dir = from; ; dir = dirname(dir)) {
    if (names.some((n) => fs.isFile(join(dir, n)))) return dir;
    if (dir === root || dirname(dir) === dir || !dir.startsWith(root)) return undefined;
  }
}

function detectFramework(family: Family, projectDir: string, root: string, fs: SetupFs, evidence: string[]): string {
  const where = relative(root, projectDir).split(sep).join('/') || '.';
  if (family === 'js') {
    const text = fs.read(join(projectDir, 'package.json'));
    let pkg: { dependencies?: object; devDependencies?: object; scripts?: Record<string, string> } = {};
    try {
      pkg = text ? (JSON.parse(text) as typeof pkg) : {};
    } catch {
      evidence.push(`${where}/package.json is not valid JSON.`);
    }
    const deps = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
    const scripts = Object.values(pkg.scripts ?? {}).join(' ');
    const files = fs.list(projectDir);
    for (const fw of ['vitest', 'jest', 'mocha', 'ava', 'jasmine'] as const) {
      if (deps.has(fw)) {
        evidence.push(`${where}/package.json depends on ${fw}.`);
        return fw;
      }
      if (files.some((f) => f.startsWith(`${fw}.config.`) || (fw === 'mocha' && f.startsWith('.mocharc')))) {
        evidence.push(`${where} has a ${fw} configuration file.`);
        return fw;
      }
    }
    if (/node (--import \S+ )?--test/.test(scripts)) {
      evidence.push(`${where}/package.json runs \`node --test\`.`);
      return 'node:test';
    }
    evidence.push('No test framework in package.json, so the built-in node:test.');
    return 'node:test';
  }
  if (family === 'python') {
    const pyproject = fs.read(join(projectDir, 'pyproject.toml')) ?? '';
    if (
      /\[tool\.pytest|["']pytest|^pytest/m.test(pyproject) ||
      fs.isFile(join(projectDir, 'pytest.ini')) ||
      fs.isFile(join(projectDir, 'conftest.py'))
    ) {
      evidence.push(`${where} configures pytest.`);
      return 'pytest';
    }
    const setupCfg = fs.read(join(projectDir, 'setup.cfg')) ?? '';
    if (/\[tool:pytest\]/.test(setupCfg)) {
      evidence.push(`${where}/setup.cfg configures pytest.`);
      return 'pytest';
    }
    evidence.push('No pytest configuration found, so pytest (it also runs unittest tests).');
    return 'pytest';
  }
  if (family === 'go') {
    evidence.push('Go tests run with `go test` and the testing package.');
    return 'go test';
  }
  if (family === 'rust') {
    evidence.push('Rust tests run with `cargo test`.');
    return 'cargo test';
  }
  if (family === 'java') {
    const build =
      (fs.read(join(projectDir, 'pom.xml')) ?? '') +
      (fs.read(join(projectDir, 'build.gradle')) ?? '') +
      (fs.read(join(projectDir, 'build.gradle.kts')) ?? '');
    const v5 = /junit-jupiter|org\.junit\.jupiter/.test(build);
    evidence.push(v5 ? `${where} uses JUnit 5.` : 'JUnit, the usual framework on the JVM.');
    return v5 ? 'JUnit 5' : 'JUnit';
  }
  evidence.push('No known test framework for this language; the usual one for it.');
  return 'the language’s usual test framework';
}

/** Project-relative paths of files (bounded walk). */
function listFiles(dir: string, fs: SetupFs): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.list(join(dir, rel)).sort()) {
      if (out.length >= MAX_FILES) return;
      if (name.endsWith('/')) {
        if (!SKIP_DIRS.has(name.slice(0, -1)) && !name.startsWith('.')) walk(`${rel}${name}`);
      } else out.push(`${rel}${name}`);
    }
  };
  walk('');
  return out;
}

/**
 * The test file for `sourceRel` by the convention the existing tests follow: colocated,
 * or a mirror tree (`<prefix>/<source dir without its first segment?>/<name><style><ext>`).
 */
function placeFromExisting(
  tests: readonly string[],
  sourceRel: string,
  base: string,
  ext: string,
  projectDir: string,
  fs: SetupFs,
): { path: string; evidence: string } | undefined {
  if (tests.length === 0) return undefined;
  const styles = new Map<string, number>();
  for (const t of tests) {
    const s = testNameOf(t)!.style;
    styles.set(s, (styles.get(s) ?? 0) + 1);
  }
  const style = [...styles.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const sourceDir = dirname(sourceRel) === '.' ? '' : dirname(sourceRel);
  // An existing test of this very file wins.
  const own = tests.find(
    (t) =>
      testNameOf(t)!.base === base &&
      sourceCandidates(dirname(t) === '.' ? '' : dirname(t), base, extname(t)).some((c) => c.path === sourceRel),
  );
  if (own) return { path: own, evidence: `${own} already tests this file.` };
  // Learn the mapping from tests whose source can be found.
  const votes = new Map<string, number>();
  for (const t of tests) {
    const { base: b } = testNameOf(t)!;
    const tDir = dirname(t) === '.' ? '' : dirname(t);
    for (const cand of sourceCandidates(tDir, b, extname(t))) {
      if (!fs.isFile(join(projectDir, cand.path))) continue;
      votes.set(cand.mapping, (votes.get(cand.mapping) ?? 0) + 1);
      break;
    }
  }
  const best = [...votes.entries()].sort((a, b) => b[1] - a[1])[0];
  const name = testFileName(base, style, ext);
  if (!best) {
    // Tests exist but none maps to a source: the folder most of them are in, else next to the source.
    const tops = new Map<string, number>();
    for (const t of tests) if (t.includes('/')) tops.set(t.split('/')[0]!, (tops.get(t.split('/')[0]!) ?? 0) + 1);
    const top = [...tops.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (!top)
      return {
        path: [sourceDir, name].filter(Boolean).join('/'),
        evidence: `Existing tests sit next to their sources, named *${style}${ext}.`,
      };
    return { path: `${top}/${name}`, evidence: `The project's tests are under ${top}/, named like ${name}.` };
  }
  const [mapping] = best;
  const [prefix, strip] = mapping.split('|') as [string, string];
  const dirParts = sourceDir === '' ? [] : sourceDir.split('/');
  const kept = strip === '1' ? dirParts.slice(1) : dirParts;
  const path = [prefix, ...kept, name].filter((p) => p !== '').join('/');
  const how =
    prefix === '' && strip === '0'
      ? 'next to their sources'
      : `under ${prefix || '.'}/, mirroring the sources${strip === '1' ? ` (without ${dirParts[0] ?? 'the top folder'}/)` : ''}`;
  return { path, evidence: `Existing tests sit ${how}, named *${style}${ext}.` };
}

/** Where the source of a test in `tDir` named `b` may be, with the mapping each place implies ("prefix|strip"). */
function sourceCandidates(tDir: string, b: string, ext: string): Array<{ path: string; mapping: string }> {
  const parts = tDir === '' ? [] : tDir.split('/');
  const exts =
    ext === '.py' ? ['.py'] : ext === '.java' ? ['.java'] : ext === '.kt' ? ['.kt'] : ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs'];
  const out: Array<{ path: string; mapping: string }> = [];
  // Colocated, then mirrors with ever shorter prefixes, then mirrors of src/ or lib/.
  for (let k = 0; k <= parts.length; k++) {
    const prefix = parts.slice(0, k).join('/');
    const rest = parts.slice(k);
    for (const e of exts) {
      out.push({ path: [...rest, `${b}${e}`].join('/'), mapping: `${prefix}|0` });
      for (const top of ['src', 'lib', 'app', 'main']) out.push({ path: [top, ...rest, `${b}${e}`].join('/'), mapping: `${prefix}|1` });
    }
  }
  return out;
}

/**
 * The existing test nearest to `testPath` (most shared leading folders, then name), an
 * example of the project's style for a new test file; undefined when there is none.
 */
export function nearestTest(projectDir: string, testPath: string, languageId: string, fs: SetupFs): string | undefined {
  const family = familyOf(languageId);
  const target = relative(projectDir, testPath).split(sep).join('/').split('/');
  const tests = listFiles(projectDir, fs).filter((f) => testNameOf(f) !== undefined && sameFamily(f, family) && f !== target.join('/'));
  const shared = (f: string) => {
    const parts = f.split('/');
    let k = 0;
    while (k < parts.length - 1 && k < target.length - 1 && parts[k] === target[k]) k++;
    return k;
  };
  const best = [...tests].sort((a, b) => shared(b) - shared(a) || a.localeCompare(b))[0];
  return best === undefined ? undefined : join(projectDir, best);
}

/** Each language's usual place when the project has no tests yet. */
function conventionalPath(family: Family, sourceRel: string, base: string, ext: string): string {
  const dir = dirname(sourceRel) === '.' ? '' : dirname(sourceRel);
  if (family === 'python') return `tests/test_${base}.py`;
  if (family === 'java') {
    const m = /^(.*?)src\/main\/(java|kotlin)\/(.*)$/.exec(dir);
    const name = `${base}Test${ext}`;
    return m ? `${m[1]}src/test/${m[2]}/${m[3]}/${name}` : [dir, name].filter(Boolean).join('/');
  }
  return [dir, `${base}.test${ext}`].filter(Boolean).join('/');
}

/** How the test file imports the source: a relative module path (JS/TS) or a dotted module (Python). */
export function importHint(testPath: string, sourcePath: string, languageId: string, root: string): string | undefined {
  const family = familyOf(languageId);
  if (family === 'js') {
    let rel = relative(dirname(testPath), sourcePath).split(sep).join('/');
    rel = rel.replace(/\.(ts|tsx|js|jsx|mts|cts)$/, '');
    return rel.startsWith('.') ? rel : `./${rel}`;
  }
  if (family === 'python') {
    const rel = relative(root, sourcePath).split(sep).join('/').replace(/\.py$/, '');
    return rel
      .replace(/^src\//, '')
      .split('/')
      .join('.');
  }
  return undefined;
}
