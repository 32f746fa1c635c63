/**
 * 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from the 31-character set
 * 0-9 A-H J-N P-R T U W-Y (no I O S V Z): 1 登记管理部门码, 2 机构类别码, 3–8 登记管理机关行政区划码
 * (digits), 9–17 主体标识码 (组织机构代码), 18 校验码. The check character is
 * C18 = 31 − (Σ Ci × Wi mod 31), with 31 written as 0, and Wi = 3^(i−1) mod 31.
 */
export const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export type CreditCodeProblem = 'length' | 'charset' | 'region' | 'checksum';

/** The check character for the first 17 characters, or null when one is not in the set. */
export function creditCodeCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARS.indexOf(first17[i] ?? '');
    if (v < 0) return null;
    sum += v * WEIGHTS[i]!;
  }
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31]!;
}

/** Null when `code` is a well-formed code whose check character matches; else what is wrong. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return 'length';
  for (const c of code) if (!CREDIT_CODE_CHARS.includes(c)) return 'charset';
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'region';
  return creditCodeCheckChar(code.slice(0, 17)) === code[17] ? null : 'checksum';
}
