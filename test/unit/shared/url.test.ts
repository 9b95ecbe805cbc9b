import assert from 'node:assert/strict';
import { isLoopback } from '../../../shared/url';

describe('isLoopback', () => {
  it('knows loopback hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) assert.equal(isLoopback(h), true, h);
    for (const h of ['10.0.0.5', 'dgx.lan', '192.168.1.2']) assert.equal(isLoopback(h), false, h);
  });
});
