import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fieldType } from '../../../../daemon/context/member-types';
import { receiverMembers } from '../../../../daemon/context/receiver-members';
import type { TandemContextEngine } from '../../../../daemon/context/engine';
import { indexedRepo } from './helpers';

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
