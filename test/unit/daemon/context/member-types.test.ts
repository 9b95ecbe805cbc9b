import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import { makeEngine, tempDir } from './helpers';

describe('context/member-types: Rust field types imported from outside the workspace', function () {
  this.timeout(60_000);
  const FILES: Record<string, string> = {
    'Cargo.toml': '[package]\nname = "paint"\nversion = "0.1.0"\n',
    'src/lib.rs': 'mod flags;\nmod spec;\nmod own;\n',
    'src/flags.rs': 'pub struct Color {\n    n: u8,\n}\n\nimpl Color {\n    pub fn flag_only(&self) {}\n}\n',
    'src/spec.rs': 'use termcolor::Color;\n\npub struct Holder {\n    c: Color,\n}\n',
    'src/own.rs': 'use crate::flags::Color;\n\npub struct Mine {\n    c: Color,\n}\n',
  };
  let t: ReturnType<typeof tempDir>;
  let engine: ReturnType<typeof makeEngine>['engine'];
  let root: string;
  before(async () => {
    t = tempDir('member-types-rust');
    root = join(t.dir, 'repo');
    for (const [rel, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    engine = makeEngine(join(t.dir, 'home'), { watch: { enabled: false }, embeddings: { enabled: false } }).engine;
    await engine.indexRoot(root);
  });
  after(async () => {
    await engine.dispose();
    t.cleanup();
  });

  const typeAt = (rel: string, prefix: string) => {
    const ws = engine.rootOf(join(root, rel))!;
    const cursor = ws.syntax.cursorContext(prefix, '\n}\n', 'rust');
    assert.ok(cursor.member);
    return receiverMembers(ws.syntax, {
      rel,
      language: 'rust',
      prefix,
      suffix: '\n}\n',
      imports: ws.syntax.importsOf(rel),
      ...cursor.member,
    }).type;
  };

  it('a field of a type the file imports from another crate is not the namesake the workspace declares', () => {
    assert.equal(typeAt('src/spec.rs', 'fn f(h: &Holder) {\n    h.c.'), undefined);
    assert.equal(typeAt('src/own.rs', 'fn f(m: &Mine) {\n    m.c.'), 'Color');
  });
});
