import * as assert from 'node:assert/strict';
import { rustSelfType } from '../../../../../daemon/context/syntax/rust-self';

describe('context/syntax/rust-self: the type of `self` from the impl header the cursor is indented under', () => {
  it('an inherent impl, a trait impl with generics and lifetimes, a trait', () => {
    assert.equal(rustSelfType('impl Printer {\n    fn f(&self) {\n        self.'), 'Printer');
    assert.equal(
      rustSelfType("impl<'p, M: Matcher, W: WriteColor> Sink for StandardSink<'p, M, W> {\n    fn f(&self) {\n        self."),
      'StandardSink',
    );
    assert.equal(rustSelfType('unsafe impl<T: Send> Send for crate::pool::Pool<T> {\n    fn f(&self) {\n        self.'), 'Pool');
    assert.equal(rustSelfType('pub(crate) trait Sink: Write {\n    fn f(&mut self) {\n        self.'), 'Sink');
  });

  it('a text starting with a line break and no header above the cursor: none, and the scan ends', () => {
    // The 64 KB scanned of a long impl's body may start at a line break; the scan used to find it again forever.
    assert.equal(rustSelfType('\n    pub fn f(\n        &mut self,\n    ) {\n        self.x\n            .y(frame.'), undefined);
    assert.equal(rustSelfType('\n        self.'), undefined);
    assert.equal(rustSelfType('\nimpl Printer {\n    fn f(&self) {\n        self.'), 'Printer');
  });

  it('the impl the cursor is in, not an earlier one; through nested blocks, closures and multi-line calls', () => {
    const text = [
      'impl First {',
      '    fn a(&self) {}',
      '}',
      '',
      'struct Second {',
      '    x: u8,',
      '}',
      '',
      'impl Second {',
      '    /// Docs.',
      '    #[inline]',
      '    fn b(',
      '        &self,',
      '        n: usize,',
      '    ) -> u8 {',
      '        let v = foo(',
      '            n,',
      '        );',
      '        if v {',
      '            xs.iter().map(|x| {',
      '                self.',
    ].join('\n');
    assert.equal(rustSelfType(text), 'Second');
  });

  it('a header spread over lines with a where clause; an impl inside a module', () => {
    assert.equal(rustSelfType('impl<T> Conn<T>\nwhere\n    T: Read,\n{\n    fn f(&self) {\n        self.'), 'Conn');
    assert.equal(rustSelfType('mod tests {\n    use super::*;\n\n    impl Fake {\n        fn f(&self) {\n            self.'), 'Fake');
  });

  it('no impl around the cursor: undefined', () => {
    assert.equal(rustSelfType('impl A {\n    fn a(&self) {}\n}\n\nfn main() {\n    let x = 1;\n    x.'), undefined);
    assert.equal(rustSelfType('self.'), undefined);
  });
});
