import { describe, expect, it } from 'vitest';
import { signatureMatches, zaloSignature } from '../../../src/channels/zalo/signature.js';

describe('Zalo webhook signature', () => {
  // sha256 of the concatenation, computed with `sha256sum`: a plain hash, not an HMAC.
  const known = '435e97d31c16753a6c335cde90f228ef45c080223c94395762bd2700b33fdea9';
  const body = Buffer.from('{"event_name":"follow"}');

  it('is the hex sha256 of app id + raw body + timestamp + secret', () => {
    expect(zaloSignature('4291763606161179100', body, '1767225600001', 'oa-secret')).toBe(known);
  });

  it('accepts the header with or without "mac=", in any case, and refuses anything else', () => {
    expect(signatureMatches(`mac=${known}`, known)).toBe(true);
    expect(signatureMatches(known.toUpperCase(), known)).toBe(true);
    expect(signatureMatches(` MAC=${known} `, known)).toBe(true);
    expect(signatureMatches(undefined, known)).toBe(false);
    expect(signatureMatches('', known)).toBe(false);
    expect(signatureMatches(`mac=${known.slice(0, -1)}0`, known)).toBe(false);
    expect(signatureMatches(`mac=${known}00`, known)).toBe(false);
    expect(signatureMatches(`sha256=${known}`, known)).toBe(false);
  });

  it('changes with every part, so none can be altered', () => {
    const parts: [string, Buffer, string, string][] = [
      ['4291763606161179101', body, '1767225600001', 'oa-secret'],
      ['4291763606161179100', Buffer.from('{"event_name":"follow" }'), '1767225600001', 'oa-secret'],
      ['4291763606161179100', body, '1767225600002', 'oa-secret'],
      ['4291763606161179100', body, '1767225600001', 'app-secret'],
    ];
    for (const p of parts) expect(zaloSignature(...p)).not.toBe(known);
  });
});
