import assert from 'node:assert/strict';
import { tandemHome } from '../../../protocol/home';

describe('Tandem home', () => {
  it('TANDEM_HOME overrides ~/.tandem', () => {
    assert.equal(tandemHome({ TANDEM_HOME: '/x/y' }), '/x/y');
    assert.match(tandemHome({}), /\.tandem$/);
  });
});
