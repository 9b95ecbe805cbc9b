import assert from 'node:assert/strict';
import { displayUrl, isLoopback } from '../../../shared/url';

describe('isLoopback', () => {
  it('knows loopback hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) assert.equal(isLoopback(h), true, h);
    for (const h of ['10.0.0.5', 'dgx.lan', '192.168.1.2']) assert.equal(isLoopback(h), false, h);
  });
});

describe('displayUrl', () => {
  it('drops user info, query and fragment, keeps scheme, host, port and path', () => {
    assert.equal(displayUrl('http://user:pw@dgx.lan:11434/'), 'http://dgx.lan:11434');
    assert.equal(displayUrl('https://TOKEN@proxy.example/ollama?api_key=abc&x=1#frag'), 'https://proxy.example/ollama');
    assert.equal(displayUrl('http://[::1]:11434'), 'http://[::1]:11434');
  });

  it('strips the same parts from text that does not parse as a URL', () => {
    assert.equal(displayUrl('http://user:pw@host:99999/x?key=1'), 'http://host:99999/x');
    assert.equal(displayUrl('not a url ?secret'), 'not a url ');
  });
});
