import * as assert from 'node:assert/strict';
import { variantFieldType } from '../../../../../daemon/context/syntax/rust-variants';

describe('context/syntax/rust-variants: the declared type of an enum variant field', () => {
  const text =
    'pub enum Reading {\n    Init,\n    /// A body.\n    Body(Decoder<B>, #[allow(x)] Option<Sender>),\n    Closed { reason: Box<Error>, at: Instant },\n}';

  it('a tuple field by position, a named field by name, generics and attributes kept out of the way', () => {
    assert.equal(variantFieldType(text, 'Body', 0), 'Decoder<B>');
    assert.equal(variantFieldType(text, 'Body', 1), 'Option<Sender>');
    assert.equal(variantFieldType(text, 'Closed', 'reason'), 'Box<Error>');
    assert.equal(variantFieldType(text, 'Closed', 'at'), 'Instant');
  });

  it('a unit variant, a missing variant or field: undefined', () => {
    assert.equal(variantFieldType(text, 'Init', 0), undefined);
    assert.equal(variantFieldType(text, 'Open', 0), undefined);
    assert.equal(variantFieldType(text, 'Closed', 'when'), undefined);
  });
});
