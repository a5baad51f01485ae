import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExactJson } from '../../../src/channels/zalo/exact-json.js';

describe('parseExactJson', () => {
  it('reads integers beyond 2^53 as their exact digits and leaves the rest as JSON.parse does', () => {
    const text = '{"id":8634598218540286321,"small":42,"neg":-9007199254740993,"f":1.5,"e":1e21,"s":"12345678901234567890","a":[9007199254740993,true,null]}';
    expect(parseExactJson(text)).toEqual({
      id: '8634598218540286321',
      small: 42,
      neg: '-9007199254740993',
      f: 1.5,
      e: 1e21,
      s: '12345678901234567890',
      a: ['9007199254740993', true, null],
    });
  });

  it('does not touch digits inside strings, escaped quotes included', () => {
    expect(parseExactJson('{"t":"say \\"12345678901234567890\\" 99999999999999999999","k\\\\":1}')).toEqual({ t: 'say "12345678901234567890" 99999999999999999999', 'k\\': 1 });
  });

  it('still refuses malformed JSON', () => {
    for (const bad of ['{"a":', '{"a":01}', '[1,]', '{"a":-}', 'nope', '']) expect(() => parseExactJson(bad), bad).toThrow(SyntaxError);
  });

  it('agrees with JSON.parse on any JSON without unsafe integers, and keeps any big integer exact', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const reference = JSON.parse(text) as unknown;
        const unsafe = /(?<![\w."])-?\d{16,}(?![\d.eE])/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
        if (!unsafe) expect(parseExactJson(text)).toEqual(reference);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 90n }), fc.boolean(), (n, negative) => {
        const digits = (negative ? -n : n).toString();
        expect(parseExactJson(`{"id":${digits},"list":[${digits}]}`)).toEqual({ id: digits, list: [digits] });
      }),
    );
  });
});
