import assert from 'node:assert/strict';
import { documentUses } from '../../../../daemon/context/document-uses';
import { blankRustNoise } from '../../../../daemon/context/rust-noise';

describe('context/rust-noise: Rust comments and literals blanked, block comments nesting', () => {
  it('a doc comment quoting globs (several star-slash pairs) stays blank to its real end; code after it is kept', () => {
    const text =
      '/*!\nMatch `src/**/foo.rs` with a `GlobBuilder`:\n/* nested */ still comment\n*/\nuse crate::glob::Glob;\nfn f() { Glob::new(); }\n';
    const out = blankRustNoise(text);
    assert.equal(out.length, text.length);
    assert.equal(out.split('\n').length, text.split('\n').length);
    assert.ok(!out.includes('GlobBuilder') && !out.includes('still'), out);
    assert.ok(out.includes('fn f() { Glob::new(); }'));
  });

  it('strings, raw strings and char literals go; lifetimes and code stay', () => {
    const out = blankRustNoise('let a = "x /* y"; let b = r#"Foo "q" */"#; let c = \'"\'; fn g<\'a>(s: &\'a Bar) {}');
    assert.ok(!/Foo|x \/\*/.test(out), out);
    assert.ok(out.includes("fn g<'a>(s: &'a Bar) {}"), out);
  });

  it('documentUses: a name only in a nested doc comment is not used before the cursor', () => {
    const uses = documentUses(
      '/*! Match `src/**/foo.rs` with a `GlobBuilder`. */\npub use crate::glob::{Glob, GlobBuilder};\nfn f() {\n    ',
      '\n}\n',
      'rust',
    );
    assert.ok(!uses.before.has('GlobBuilder'));
    assert.ok(!uses.before.has('Glob'));
    assert.ok(uses.before.has('f'));
  });
});
