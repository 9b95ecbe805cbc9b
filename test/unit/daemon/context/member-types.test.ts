import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fieldType } from '../../../../daemon/context/member-types';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import { indexedRepo } from './helpers';

/** The type receiver-members.ts gives the receiver of the `x.` ending `prefix` in `rel` (the suffix closes a block). */
function receiverTypeAt(engine: TandemContextEngine, root: string, rel: string, language: string, prefix: string): string | undefined {
  const ws = engine.rootOf(join(root, rel))!;
  const cursor = ws.syntax.cursorContext(prefix, '\n}\n', language);
  assert.ok(cursor.member, prefix);
  return receiverMembers(ws.syntax, {
    rel,
    language,
    prefix,
    suffix: '\n}\n',
    imports: ws.syntax.importsOf(rel),
    ...cursor.member,
  }).type;
}

describe('context/member-types: Rust field types imported from outside the workspace', function () {
  this.timeout(60_000);
  const FILES: Record<string, string> = {
    'Cargo.toml': '[package]\nname = "paint"\nversion = "0.1.0"\n',
    'src/lib.rs': 'mod flags;\nmod spec;\nmod own;\n',
    'src/flags.rs': 'pub struct Color {\n    n: u8,\n}\n\nimpl Color {\n    pub fn flag_only(&self) {}\n}\n',
    'src/spec.rs': 'use termcolor::Color;\n\npub struct Holder {\n    c: Color,\n}\n',
    'src/own.rs': 'use crate::flags::Color;\n\npub struct Mine {\n    c: Color,\n}\n',
  };
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  let engine: TandemContextEngine;
  let root: string;
  before(async () => {
    repo = await indexedRepo('member-types-rust', FILES);
    ({ engine, root } = repo);
  });
  after(() => repo.close());

  const typeAt = (rel: string, prefix: string) => receiverTypeAt(engine, root, rel, 'rust', prefix);

  it('a field of a type the file imports from another crate is not the namesake the workspace declares', () => {
    assert.equal(typeAt('src/spec.rs', 'fn f(h: &Holder) {\n    h.c.'), undefined);
    assert.equal(typeAt('src/own.rs', 'fn f(m: &Mine) {\n    m.c.'), 'Color');
  });
});

describe('context/member-types: Rust fields of a struct too large for one chunk', function () {
  this.timeout(60_000);
  const fields = Array.from(
    { length: 60 },
    (_, i) => `    /// The ${i}th setting, documented at some length so that the struct is cut.\n    pub(crate) f${i}: usize,`,
  );
  const FILES: Record<string, string> = {
    'Cargo.toml': '[package]\nname = "args"\nversion = "0.1.0"\n',
    'src/lib.rs': 'mod low;\nmod user;\n',
    'src/low.rs': [
      'pub(crate) struct LowArgs {',
      ...fields,
      '    pub(crate) context: ContextMode,',
      '}',
      '',
      'pub(crate) struct ContextMode {',
      '    n: usize,',
      '}',
      '',
      'impl ContextMode {',
      '    pub(crate) fn get_limited(&self) -> (usize, usize) {',
      '        (self.n, self.n)',
      '    }',
      '}',
      '',
    ].join('\n'),
    'src/user.rs': 'use crate::low::LowArgs;\n',
  };
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  before(async () => {
    repo = await indexedRepo('member-types-rust-large', FILES);
  });
  after(() => repo.close());

  it('a field declared past the first chunk of its struct is read from the chunks its body goes on in', () => {
    const ws = repo.engine.rootOf(join(repo.root, 'src/user.rs'))!;
    const prefix = 'use crate::low::LowArgs;\n\nfn f(args: &LowArgs) {\n    args.context.';
    const cursor = ws.syntax.cursorContext(prefix, '\n}\n', 'rust');
    const struct = ws.syntax.typeDefinitions('src/user.rs', 'LowArgs')[0];
    assert.ok(ws.syntax.continuedBody(struct).length > 0, 'the struct is cut into several chunks');
    const r = receiverMembers(ws.syntax, {
      rel: 'src/user.rs',
      language: 'rust',
      prefix,
      suffix: '\n}\n',
      imports: ws.syntax.importsOf('src/user.rs'),
      ...cursor.member!,
    });
    assert.equal(r.type, 'ContextMode');
  });
});

describe('context/member-types: Go collection fields', () => {
  it("an element of a field's slice, map or channel type", () => {
    const text = 'type Registry struct {\n\tbyName map[string]*Collector\n\tall    []Collector\n\tqueue  chan *Job\n}';
    assert.equal(fieldType(text, 'byName', 'go', true), 'Collector');
    assert.equal(fieldType(text, 'all', 'go', true), 'Collector');
  });

  it('an embedded field is named by its type', () => {
    const text = 'type wrapped struct {\n\t*Desc\n\tprom.Labels `json:"l"`\n\tcount int\n}';
    assert.equal(fieldType(text, 'Desc', 'go'), 'Desc');
    assert.equal(fieldType(text, 'Labels', 'go'), 'Labels');
    assert.equal(fieldType('type x struct {\n\tDescs []Desc\n}', 'Desc', 'go'), undefined);
  });
});

describe('context/member-types: a declaration read from its own line, not from the doc comment above it', function () {
  this.timeout(60_000);
  // Doc comments whose examples call the function the way a user does: the first `handshake` or
  // `connect` in the chunk is the example, whose `(` is followed by no return type.
  const FILES: Record<string, string> = {
    'Cargo.toml': '[package]\nname = "wire"\nversion = "0.1.0"\n',
    'src/lib.rs': 'pub mod server;\nmod user;\n',
    'src/server.rs': [
      'pub struct Builder {}',
      '',
      'pub struct Connection {}',
      '',
      'impl Connection {',
      '    pub fn poll_closed(&mut self) -> bool {',
      '        true',
      '    }',
      '}',
      '',
      'impl Builder {',
      '    /// Creates a connection.',
      '    ///',
      '    /// ```',
      '    /// let conn = Builder::new().handshake(my_io);',
      '    /// ```',
      '    pub fn handshake(&self, io: u8) -> Connection {',
      '        Connection {}',
      '    }',
      '}',
      '',
    ].join('\n'),
    'src/user.rs': 'use crate::server::Builder;\n',
    'src/client.ts': [
      'export class Session {',
      '  close(): void {}',
      '}',
      '',
      '/**',
      ' * Opens a session.',
      ' * @example',
      " * const s = connect('db://');",
      ' */',
      'export function connect(url: string): Session {',
      '  return new Session();',
      '}',
      '',
    ].join('\n'),
    'src/use.ts': "import { connect } from './client';\n",
  };
  let repo: Awaited<ReturnType<typeof indexedRepo>>;
  let engine: TandemContextEngine;
  let root: string;
  before(async () => {
    repo = await indexedRepo('member-types-doc', FILES);
    ({ engine, root } = repo);
  });
  after(() => repo.close());

  const typeAt = (rel: string, language: string, prefix: string) => receiverTypeAt(engine, root, rel, language, prefix);

  it("a method's return type (Rust), a function's (TypeScript)", () => {
    assert.equal(
      typeAt('src/user.rs', 'rust', 'use crate::server::Builder;\nfn f(b: &Builder) {\n    let mut c = b.handshake(1);\n    c.'),
      'Connection',
    );
    assert.equal(typeAt('src/use.ts', 'typescript', "import { connect } from './client';\nconst s = connect('x');\ns."), 'Session');
  });
});
