import { strict as assert } from 'node:assert';
import { ErrorOnce } from '../../../../extension/completion/error-once';

describe('ErrorOnce', () => {
  it('reports a kind once until a success resets it', () => {
    const e = new ErrorOnce();
    assert.equal(e.shouldReport('model_not_found'), true);
    assert.equal(e.shouldReport('model_not_found'), false);
    assert.equal(e.shouldReport('upstream_timeout'), true);
    e.reset();
    assert.equal(e.shouldReport('model_not_found'), true);
  });
});
