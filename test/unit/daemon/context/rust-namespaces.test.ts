import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentHash } from '../../../../daemon/context/chunker';
import { parseImports } from '../../../../daemon/context/imports';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { cursorContext } from '../../../../daemon/context/syntax/cursor';
import { loadGrammar } from '../../../../daemon/context/syntax/grammars';
import { tempDir } from './helpers';
import { memoryIndex, sym, TEST_PARSE_BUDGET_MS, type MemoryIndex } from './memory-index';

describe('context/rust-namespaces: a Rust module path reaches what the module re-exports', () => {
  let index: MemoryIndex;
  let root: { dir: string; cleanup: () => void };

  before(async () => {
    await loadGrammar('rust');
    // The resolver reads the crate's manifest from disk (`crate::frame` from src/).
    root = tempDir('rust-namespaces');
    writeFileSync(join(root.dir, 'Cargo.toml'), '[package]\nname = "h2"\n');
    index = memoryIndex(root.dir, {
      'src/lib.rs': [{ startLine: 1, text: 'mod frame;\nmod proto;' }],
      'src/frame/mod.rs': [
        { startLine: 1, text: 'mod go_away;\nmod settings;', symbols: [sym('go_away', 1, 'module'), sym('settings', 2, 'module')] },
        { startLine: 4, text: 'pub enum Frame {\n    Data,\n}', symbols: [sym('Frame', 4, 'enum')] },
      ],
      'src/frame/settings.rs': [
        { startLine: 1, text: 'pub const MAX_FRAME_SIZE: usize = 1 << 24;', symbols: [sym('MAX_FRAME_SIZE', 1, 'constant')] },
        { startLine: 3, text: 'pub struct Settings {\n}', symbols: [sym('Settings', 3, 'struct')] },
        { startLine: 6, text: 'pub fn settings() {\n}', symbols: [sym('settings', 6, 'function')] },
      ],
      'src/frame/go_away.rs': [
        { startLine: 1, text: 'pub struct GoAway {\n    last: u32,\n}', symbols: [sym('GoAway', 1, 'struct')] },
        {
          startLine: 5,
          text: 'impl GoAway {\n    pub fn last_stream_id(&self) -> u32 {\n    }\n}',
          symbols: [sym('last_stream_id', 6, 'method', 'GoAway')],
        },
      ],
      'src/proto/go_away.rs': [
        { startLine: 1, text: 'pub struct GoAway {\n    pending: bool,\n}', symbols: [sym('GoAway', 1, 'struct')] },
        {
          startLine: 5,
          text: 'impl GoAway {\n    pub fn go_away_now(&mut self) {\n    }\n}',
          symbols: [sym('go_away_now', 6, 'method', 'GoAway')],
        },
      ],
    });
    // frame/mod.rs as indexed: `pub use self::settings::{Settings, MAX_FRAME_SIZE, settings};` re-exports three names.
    const text = 'mod go_away;\nmod settings;\npub use self::settings::{Settings, MAX_FRAME_SIZE, settings};';
    index.store.replaceFile(
      { path: 'src/frame/mod.rs', hash: contentHash(text), size: 1, mtimeMs: 2, language: 'rust' },
      [
        { startLine: 1, endLine: 3, text, hash: contentHash(text), symbols: [sym('go_away', 1, 'module'), sym('settings', 2, 'module')] },
        { startLine: 4, endLine: 6, text: 'pub enum Frame {\n    Data,\n}', hash: 'f', symbols: [sym('Frame', 4, 'enum')] },
      ],
      2,
      {
        imports: [
          {
            specifier: 'self::settings',
            kind: 'module',
            names: ['Settings', 'MAX_FRAME_SIZE', 'settings'].map((n) => ({ imported: n, local: n })),
            reexport: true,
            line: 3,
          },
        ],
      },
    );
  });

  after(() => {
    index.close();
    root.cleanup();
  });

  const resolve = (rel: string, prefix: string, suffix = '\n}') => {
    const cursor = cursorContext(prefix, suffix, 'rust', TEST_PARSE_BUDGET_MS);
    assert.ok(cursor.member, 'a member access');
    const imports = index.syntax.resolveImports(
      rel,
      'rust',
      parseImports(prefix, 'rust').map((i) => ({ ...i, kind: 'module' as const, line: 1 })),
    );
    const r = receiverMembers(index.syntax, { rel, language: 'rust', prefix, suffix, imports, ...cursor.member });
    return { via: r.via, type: r.type, members: r.members.map((m) => `${m.site.name}@${m.site.path}`) };
  };

  it("`frame::` after `use crate::frame::{self}`: the module's items, then what it re-exports (a name it declares itself once)", () => {
    const got = resolve('src/codec/write.rs', 'use crate::frame::{self, Frame};\n\nfn f(n: usize) {\n    assert!(n <= frame::');
    assert.equal(got.via, 'namespace');
    assert.deepEqual(got.members, [
      'go_away@src/frame/mod.rs',
      'settings@src/frame/mod.rs',
      'Frame@src/frame/mod.rs',
      'Settings@src/frame/settings.rs',
      'MAX_FRAME_SIZE@src/frame/settings.rs',
    ]);
  });

  it('`frame.` is a value even where `frame` names a module too', () => {
    const got = resolve('src/codec/write.rs', 'use crate::frame::{self, Frame};\n\nfn f(frame: frame::GoAway) {\n    frame.');
    assert.notEqual(got.via, 'namespace');
    assert.deepEqual(got.members, ['last_stream_id@src/frame/go_away.rs']);
  });

  it("`f: frame::GoAway` beside a GoAway of the document's own: the module `{self}` names says which", () => {
    const got = resolve(
      'src/proto/go_away.rs',
      'use crate::frame::{self, Reason};\n\nimpl GoAway {\n    fn go_away(&mut self, f: frame::GoAway) {\n        f.',
      '\n    }\n}',
    );
    assert.deepEqual(got.members, ['last_stream_id@src/frame/go_away.rs']);
  });
});

describe('context/rust-namespaces: the type a bare Rust name means in a file', () => {
  let index: MemoryIndex;
  let root: { dir: string; cleanup: () => void };
  const use = (specifier: string, names: string[], wildcard = false) => ({
    specifier,
    kind: 'module' as const,
    names: names.map((n) => ({ imported: n, local: n })),
    ...(wildcard ? { wildcard } : {}),
    line: 1,
  });

  before(() => {
    root = tempDir('rust-bare-names');
    writeFileSync(join(root.dir, 'Cargo.toml'), '[package]\nname = "h2"\n');
    const struct = (name: string) => [{ startLine: 1, text: `pub struct ${name} {\n}`, symbols: [sym(name, 1, 'struct')] }];
    index = memoryIndex(root.dir, {
      'src/lib.rs': [{ startLine: 1, text: 'mod client;\nmod frame;\nmod mock;\nmod proto;' }],
      'src/client.rs': struct('Connection'),
      'src/mock.rs': struct('Handle'),
      'src/frame/mod.rs': [{ startLine: 1, text: 'pub use self::settings::Settings;' }],
      'src/frame/settings.rs': struct('Settings'),
      'src/proto/settings.rs': struct('Settings'),
    });
    const write = (path: string, text: string, symbols: ReturnType<typeof sym>[], imports: ReturnType<typeof use>[]) =>
      index.store.replaceFile(
        { path, hash: contentHash(text), size: 1, mtimeMs: 2, language: 'rust' },
        [{ startLine: 1, endLine: text.split('\n').length, text, hash: contentHash(text), symbols }],
        2,
        { imports },
      );
    // frame/mod.rs re-exports its Settings; proto/mod.rs `use`s its own (a glob of proto takes it).
    write('src/frame/mod.rs', 'mod settings;\npub use self::settings::Settings;', [], [use('self::settings', ['Settings'])]);
    write('src/proto/mod.rs', 'mod connection;\nmod settings;\nuse self::settings::Settings;', [], [use('self::settings', ['Settings'])]);
    write(
      'src/proto/connection.rs',
      'use crate::frame::{Frame, Reason};\nuse crate::proto::*;\nuse crate::{client, mock};\nuse crate::frame::Frame::*;\npub struct Connection {\n}\ntype Handle = mock::Handle;',
      [sym('Connection', 5, 'struct'), sym('Handle', 7, 'type')],
      [
        use('crate::frame', ['Frame', 'Reason']),
        use('crate::proto', [], true),
        use('crate', ['client', 'mock']),
        use('crate::frame::Frame', [], true),
      ],
    );
  });

  after(() => {
    index.close();
    root.cleanup();
  });

  const defined = (name: string) => index.syntax.typeDefinitions('src/proto/connection.rs', name).map((d) => d.path);

  it('a type the file declares, not the namesake of a module it imports (`use crate::{client}`)', () => {
    assert.deepEqual(defined('Connection'), ['src/proto/connection.rs']);
  });

  it("what a glob brings through the module's own `use` (`use crate::proto::*` → `use self::settings::Settings`), not another import's file", () => {
    assert.deepEqual(defined('Settings'), ['src/proto/settings.rs']);
  });

  it('an alias the file declares is left to the imports that hold what it names', () => {
    assert.deepEqual(defined('Handle'), ['src/mock.rs']);
  });
});

describe('context/rust-namespaces: module paths from another crate of the workspace, `$crate` and a prelude glob', () => {
  let index: MemoryIndex;
  let root: { dir: string; cleanup: () => void };
  const glob = (specifier: string, reexport = false) => ({
    specifier,
    kind: 'module' as const,
    names: [],
    wildcard: true,
    ...(reexport ? { reexport } : {}),
    line: 1,
  });

  before(async () => {
    await loadGrammar('rust');
    root = tempDir('rust-crate-paths');
    mkdirSync(join(root.dir, 'support'), { recursive: true });
    writeFileSync(join(root.dir, 'Cargo.toml'), '[package]\nname = "h2"\n');
    writeFileSync(join(root.dir, 'support/Cargo.toml'), '[package]\nname = "h2-support"\n');
    // `new` is a common name: the workspace's other types have one each (a name search sees only the first few).
    const news = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [
        `src/t${i}.rs`,
        [{ startLine: 1, text: `impl T${i} {\n    pub fn new() -> Self {\n    }\n}`, symbols: [sym('new', 2, 'method', `T${i}`)] }],
      ]),
    );
    index = memoryIndex(root.dir, {
      ...news,
      'Cargo.toml': [{ startLine: 1, text: '[package]\nname = "h2"' }],
      'support/Cargo.toml': [{ startLine: 1, text: '[package]\nname = "h2-support"' }],
      'src/frame/mod.rs': [{ startLine: 1, text: 'pub enum Frame {\n    Data,\n}', symbols: [sym('Frame', 1, 'enum')] }],
      'support/src/trace.rs': [{ startLine: 1, text: 'pub fn init() {\n}', symbols: [sym('init', 1, 'function')] }],
      'support/src/mock.rs': [
        { startLine: 1, text: 'pub fn new() -> (Mock, Handle) {\n}', symbols: [sym('new', 1, 'function')] },
        { startLine: 3, text: 'pub struct Mock {\n}', symbols: [sym('Mock', 3, 'struct')] },
        { startLine: 5, text: 'pub struct Handle {\n}', symbols: [sym('Handle', 5, 'struct')] },
        {
          startLine: 7,
          text: 'impl Handle {\n    pub fn assert_client_handshake(&mut self) {\n    }\n}',
          symbols: [sym('assert_client_handshake', 8, 'method', 'Handle')],
        },
      ],
    });
    const write = (path: string, text: string, imports: object[]) =>
      index.store.replaceFile(
        { path, hash: contentHash(text), size: 1, mtimeMs: 2, language: 'rust' },
        [{ startLine: 1, endLine: text.split('\n').length, text, hash: contentHash(text), symbols: [] }],
        2,
        { imports: imports as never },
      );
    write('src/lib.rs', 'pub mod frame;', [{ specifier: 'frame', kind: 'mod', names: [], line: 1 }]);
    write('support/src/lib.rs', 'mod prelude;\nmod trace;', [
      { specifier: 'prelude', kind: 'mod', names: [], line: 1 },
      { specifier: 'trace', kind: 'mod', names: [], line: 2 },
    ]);
    // The prelude re-exports all of h2 (`pub use h2::*;`), so its own glob's users reach h2's modules.
    write('support/src/prelude.rs', 'pub use h2::*;\npub use super::mock::{self};', [
      glob('h2', true),
      { specifier: 'super::mock', kind: 'module', names: [], namespace: 'mock', reexport: true, line: 2 },
    ]);
  });

  after(() => {
    index.close();
    root.cleanup();
  });

  // The document's imports as its parse reads them (the text heuristics keep no glob).
  const members = (rel: string, prefix: string, facts: ReturnType<typeof glob>[] = []) => {
    const cursor = cursorContext(prefix, '\n}', 'rust', TEST_PARSE_BUDGET_MS);
    assert.ok(cursor.member, 'a member access');
    const imports = index.syntax.resolveImports(rel, 'rust', facts);
    const r = receiverMembers(index.syntax, { rel, language: 'rust', prefix, suffix: '\n}', imports, ...cursor.member });
    return r.members.map((m) => `${m.site.name}@${m.site.path}`);
  };

  it('`h2::frame::` with no `use` of h2: a workspace crate by its name (the extern prelude)', () => {
    assert.deepEqual(members('support/src/assert.rs', 'fn f(x: u8) {\n    match x {\n        h2::frame::'), ['Frame@src/frame/mod.rs']);
  });

  it("`$crate::trace::` in a `macro_rules!` body: the macro's own crate", () => {
    assert.deepEqual(
      members('support/src/lib.rs', 'mod trace;\n\nmacro_rules! trace_init {\n    () => {\n        let _guard = $crate::trace::'),
      ['init@support/src/trace.rs'],
    );
  });

  it("`frame::` through `use h2_support::prelude::*;` whose prelude has `pub use h2::*;`: h2's `pub mod frame`", () => {
    assert.deepEqual(
      members('support/tests/ping.rs', 'use h2_support::prelude::*;\n\nfn f(n: usize) {\n    assert_eq!(n, frame::', [
        glob('h2_support::prelude'),
      ]),
      ['Frame@src/frame/mod.rs'],
    );
  });

  it("`let (m, mut mock) = mock::new();` with the prelude's `pub use super::mock::{self};`: the module's `new`, its second part", () => {
    assert.deepEqual(
      members('support/tests/ping.rs', 'use h2_support::prelude::*;\n\nasync fn f() {\n    let (m, mut mock) = mock::new();\n    mock.', [
        glob('h2_support::prelude'),
      ]),
      ['assert_client_handshake@support/src/mock.rs'],
    );
  });
});
