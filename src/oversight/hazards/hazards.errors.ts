import { defineError } from '../../platform/shared/errors.ts';

/** Refusals of the hazards service itself (the machine's own are in hazard.machine.ts). */
export const HazardServiceErrors = {
  notFound: defineError('JH_ERR_HAZARD_NOT_FOUND', 404, '隐患不存在。', 'No such hazard.'),
  badResponsible: defineError(
    'JH_ERR_HAZARD_BAD_RESPONSIBLE',
    400,
    '整改责任人须为本企业的有效用户。',
    'The responsible person must be an active user of the same enterprise.',
  ),
  photoNotFound: defineError('JH_ERR_HAZARD_PHOTO_NOT_FOUND', 404, '照片不存在。', 'No such photo.'),
  violationRequired: defineError(
    'JH_ERR_HAZARD_VIOLATION_REQUIRED',
    400,
    '来源为违章时须填写违章编号。',
    'A hazard raised from a violation needs the violation id.',
  ),
};
