/**
 * Code lists of the enterprise record (一企一档), each code with its Chinese and English name.
 *
 * Industry: the eight 工贸 industries the 应急管理部 supervises as 冶金工贸 (冶金、有色、建材、机械、轻工、
 * 纺织、烟草、商贸), the grouping of its 《工贸企业重大事故隐患判定标准》(应急管理部令第10号, 2023).
 * Scale: 大型/中型/小型/微型 per 国家统计局《统计上大中小微型企业划分办法》, and separately whether it is
 * a 规模以上工业企业 (annual main-business revenue ≥ 20 million yuan).
 * Gas areas: GB 6222-2005《工业企业煤气安全规程》 practice sorts 煤气危险区域 into 一类/二类/三类; the
 * service records the class the enterprise assigns and does not derive it (see docs/enterprise-grading.md).
 */
export const INDUSTRY_CLASSES = {
  metallurgy: { zh: '冶金', en: 'Metallurgy' },
  nonferrous: { zh: '有色', en: 'Non-ferrous metals' },
  building_materials: { zh: '建材', en: 'Building materials' },
  machinery: { zh: '机械', en: 'Machinery' },
  light_industry: { zh: '轻工', en: 'Light industry' },
  textile: { zh: '纺织', en: 'Textiles' },
  tobacco: { zh: '烟草', en: 'Tobacco' },
  commerce_trade: { zh: '商贸', en: 'Commerce and trade' },
} as const;
export type IndustryClass = keyof typeof INDUSTRY_CLASSES;

export const SCALES = {
  large: { zh: '大型', en: 'Large' },
  medium: { zh: '中型', en: 'Medium' },
  small: { zh: '小型', en: 'Small' },
  micro: { zh: '微型', en: 'Micro' },
} as const;
export type Scale = keyof typeof SCALES;

export const GAS_AREA_CLASSES = {
  class1: { zh: '一类', en: 'Class 1' },
  class2: { zh: '二类', en: 'Class 2' },
  class3: { zh: '三类', en: 'Class 3' },
} as const;
export type GasAreaClass = keyof typeof GAS_AREA_CLASSES;

export const CONTACT_ROLES = {
  principal: { zh: '主要负责人', en: 'Principal' },
  safety_lead: { zh: '分管安全负责人', en: 'Leader in charge of safety' },
  safety_manager: { zh: '安全管理人员', en: 'Safety manager' },
  emergency: { zh: '应急联系人', en: 'Emergency contact' },
} as const;
export type ContactRole = keyof typeof CONTACT_ROLES;

/** The industry class whose Chinese name the config's free-text `industry` is, if any (冶金 → metallurgy). */
export function industryFromName(name: string): IndustryClass | null {
  const hit = Object.entries(INDUSTRY_CLASSES).find(([, n]) => n.zh === name.trim());
  return hit ? (hit[0] as IndustryClass) : null;
}

/** 规模 as one cell of the 分级分类台账: 中型（规上）, 小型（规下）, 规上, or empty. */
export function scaleText(scale: Scale | null, aboveDesignatedSize: boolean | null): string {
  const size = aboveDesignatedSize === null ? '' : aboveDesignatedSize ? '规上' : '规下';
  if (!scale) return size;
  return size ? `${SCALES[scale].zh}（${size}）` : SCALES[scale].zh;
}
