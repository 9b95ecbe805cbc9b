import assert from 'node:assert/strict';
import { configSecrets, credentialForms, redact } from '../../../daemon/redact';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('redaction of backend credentials', () => {
  it('removes header values and bare bearer credentials', () => {
    const secrets = credentialForms({
      url: 'http://127.0.0.1:11434',
      headers: { Authorization: 'Bearer s3cr3t-token', 'X-Api-Key': 'k-123456', 'X-Short': 'ab' },
    });
    assert.equal(
      redact('bad token Bearer s3cr3t-token; key k-123456; s3cr3t-token again; ab', secrets),
      'bad token [redacted]; key [redacted]; [redacted] again; ab',
    );
  });

  it('knows every form of URL credentials: password, user:password, its Basic header, a lone user name, query values, percent-encoded', () => {
    const withPassword = credentialForms({ url: 'http://tandem:p%40ss-w0rd@dgx.lan:11434', headers: {} });
    for (const form of ['p@ss-w0rd', 'p%40ss-w0rd', 'tandem:p@ss-w0rd', b64('tandem:p@ss-w0rd')])
      assert.ok(withPassword.includes(form), form);
    assert.ok(!withPassword.includes('tandem'), 'the user name beside a password is not a secret (it would blank out the word)');

    const userOnly = credentialForms({ url: 'https://tok-0123456789@proxy.example', headers: {} });
    for (const form of ['tok-0123456789', 'tok-0123456789:', b64('tok-0123456789:')]) assert.ok(userOnly.includes(form), form);

    const query = credentialForms({ url: 'https://api.example/v1?api_key=qk%2Fsecret&key=abcd&format=json&v=1', headers: {} });
    for (const form of ['qk/secret', 'qk%2Fsecret', 'abcd']) assert.ok(query.includes(form), form);
    for (const plain of ['json', '1']) assert.ok(!query.includes(plain), `${plain} is not a credential`);
  });

  it('decodes a configured Basic header: the pair and the password are secrets too', () => {
    const secrets = credentialForms({ url: 'http://x', headers: { authorization: `Basic ${b64('alice:hunter2-long')}` } });
    assert.equal(redact('denied for alice:hunter2-long (hunter2-long)', secrets), 'denied for [redacted] ([redacted])');
  });

  it('shows URLs in text without user info, query or fragment, leaving other URLs and the punctuation after them alone', () => {
    assert.equal(
      redact('GET https://u:pw@dgx.lan:8443/v1/models?api_key=zzz#frag failed; see http://127.0.0.1:11434/api/tags.', []),
      'GET https://dgx.lan:8443/v1/models failed; see http://127.0.0.1:11434/api/tags.',
    );
    assert.equal(redact('(at http://host/?token=abc)', []), '(at http://host)');
  });

  it('collects the forms of every configured backend once per configuration', () => {
    const config = {
      backends: [
        { name: 'a', url: 'http://u:first-secret@a', headers: {} },
        { name: 'b', url: 'http://b', headers: { 'X-Api-Key': 'second-secret' } },
      ],
    };
    const secrets = configSecrets(config as never);
    assert.equal(configSecrets(config as never), secrets, 'cached for the same configuration');
    assert.equal(redact('first-secret and second-secret', secrets), '[redacted] and [redacted]');
  });
});
