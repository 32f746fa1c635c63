import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, creditCodeProblem } from '../../src/oversight/enterprises/credit-code.ts';

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('accepts codes whose check character matches', () => {
    // a sample code widely used by validators, and one whose check character is a letter
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull();
    expect(creditCodeProblem('91110000600037341L')).toBeNull();
  });

  it('computes the check character, with 31 written as 0', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    // find a body whose sum is a multiple of 31: its check character is 0, not the 32nd character
    let body = '';
    for (let n = 0; n < 1000 && !body; n++) {
      const b = `9114052500000${String(n).padStart(3, '0')}0`;
      if (creditCodeCheckChar(b) === '0') body = b;
    }
    expect(body).not.toBe('');
    expect(creditCodeProblem(`${body}0`)).toBeNull();
  });

  it('names what is wrong', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toBe('length');
    expect(creditCodeProblem('91350100M000100Y4O')).toBe('charset'); // O is not in the set
    expect(creditCodeProblem('91350100m000100Y43')).toBe('charset'); // the service upper-cases first
    expect(creditCodeProblem('9135A100M000100Y43')).toBe('region');
    expect(creditCodeProblem('91350100M000100Y44')).toBe('checksum');
    // one changed character anywhere breaks the checksum
    expect(creditCodeProblem('91350100M000101Y43')).toBe('checksum');
  });
});
