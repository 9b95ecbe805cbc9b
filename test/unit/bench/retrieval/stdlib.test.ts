import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { methodsIn, versionOf } from '../../../../bench/retrieval/stdlib';

/** The method names read from a standard library's sources for the benchmark's ambiguity rule. */
describe('bench:retrieval standard library methods', () => {
  it('reads Rust pub fns of inherent impls and every fn of a trait, not private ones or trait impls', async () => {
    const names = await methodsIn(
      [
        'pub trait Iterator { fn next(&mut self); fn count(self) -> usize { 0 } }',
        'impl<T> Vec<T> { pub fn push(&mut self) {} fn grow(&mut self) {} pub(crate) fn inner(&self) {} }',
        'impl Clone for Foo { fn clone_box(&self) {} }',
        'pub fn free_function() {}',
      ].join('\n'),
      'rust',
    );
    assert.deepEqual([...names].sort(), ['count', 'next', 'push']);
  });

  it("reads TypeScript's interface methods, not properties", async () => {
    const names = await methodsIn('interface Array<T> { length: number; push(...items: T[]): number; at(i: number): T; }', 'typescript');
    assert.deepEqual([...names].sort(), ['at', 'push']);
  });

  it("reads Go's exported methods and interface methods", async () => {
    const names = await methodsIn(
      'package io\ntype Writer interface { Write(p []byte) (int, error) }\nfunc (b *Buffer) Reset() {}\nfunc (b *Buffer) grow() {}\nfunc Copy() {}\n',
      'go',
    );
    assert.deepEqual([...names].sort(), ['Reset', 'Write']);
  });

  it("reads Java's public and protected methods and an interface's methods", async () => {
    const names = await methodsIn(
      'public class List { public void add() {} protected void removeRange() {} private void grow() {} void pkg() {} }\ninterface Runnable { void run(); }\n',
      'java',
    );
    assert.deepEqual([...names].sort(), ['add', 'removeRange', 'run']);
  });

  it("reads Python's public methods of classes, not functions or private methods", async () => {
    const names = await methodsIn('class Queue:\n    def put(self): pass\n    def _grow(self): pass\n\ndef helper(): pass\n', 'python');
    assert.deepEqual([...names], ['put']);
  });

  it("keys a source by its version: a VERSION stamp, else its package's, else when it last changed", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-stdlib-'));
    try {
      const src = join(dir, 'go', 'src');
      mkdirSync(src, { recursive: true });
      utimesSync(src, new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
      // No stamp, and no package (dpkg knows nothing of a temp folder, or is not there): when it changed.
      assert.equal(versionOf('go', src), 'modified 2024-01-02T03:04:05.000Z');
      utimesSync(src, new Date('2025-06-07T00:00:00Z'), new Date('2025-06-07T00:00:00Z'));
      assert.equal(versionOf('go', src), 'modified 2025-06-07T00:00:00.000Z', 'a changed source is another version');
      writeFileSync(join(dir, 'go', 'VERSION'), 'go1.22.3\ntime 2024-05-01\n');
      assert.equal(versionOf('go', src), 'go1.22.3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
