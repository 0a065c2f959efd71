import { describe, expect, it } from 'vitest';
import { maskPii, scrubString, stripControl } from '../../src/redact.js';

describe('personal data masking', () => {
  it.each([
    ['mail alice.smith@example.com now', 'mail a***@example.com now'],
    ['ssn 123-45-6789', 'ssn [SSN]'],
    ['card 4111 1111 1111 1111 ok', 'card [CARD] ok'],
    ['card 4111-1111-1111-1111', 'card [CARD]'],
    ['call +1 415-555-0134', 'call [PHONE]'],
    ['call (415) 555-0134', 'call [PHONE]'],
  ])('masks %j', (input, output) => {
    expect(maskPii(input)).toBe(output);
  });

  it('leaves ordinary text alone: dates, ids, addresses, counts', () => {
    const text = 'at 2026-11-29T05:09:28.366Z user 821f914b-5d5a-40c2-9b0c-4db29261494c from 127.0.0.1 took 12 ms';
    expect(scrubString(text)).toBe(text);
  });

  it('removes control characters so a value cannot forge a log line', () => {
    expect(stripControl('ok\n{"level":"info","msg":"forged"}\r\u2028')).not.toMatch(/[\n\r\u2028]/);
  });
});
