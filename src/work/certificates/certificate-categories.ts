import { KINDS, type KindRegistry } from '../kinds/index.ts';

/**
 * The categories of 特种作业 (《特种作业人员安全技术培训考核管理规定》 附件《特种作业目录》). A card is
 * registered under one of these or under a category a registered kind requires, so a typo ("焊接作业")
 * cannot create a card that silently satisfies nothing.
 */
export const SPECIAL_WORK_CATALOG = [
  '电工作业',
  '焊接与热切割作业',
  '高处作业',
  '制冷与空调作业',
  '煤矿安全作业',
  '金属非金属矿山安全作业',
  '石油天然气安全作业',
  '冶金（有色）生产安全作业',
  '危险化学品安全作业',
  '烟花爆竹安全作业',
] as const;

export interface CertificateCategory {
  category: string;
  /** ids of the registered kinds whose workers must hold it */
  requiredBy: string[];
}

/** The categories a card may be registered under: the kinds' first (the admin form lists them first). */
export function certificateCategories(kinds: KindRegistry = KINDS): CertificateCategory[] {
  const required = [...new Set(kinds.list.flatMap((k) => k.certificates))];
  const all = [...required, ...SPECIAL_WORK_CATALOG.filter((c) => !required.includes(c))];
  return all.map((category) => ({
    category,
    requiredBy: kinds.list.filter((k) => k.certificates.includes(category)).map((k) => k.id),
  }));
}
