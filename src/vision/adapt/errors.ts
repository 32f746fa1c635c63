import { defineError } from '../../platform/shared/errors.ts';

/** Coded errors of site adaptation (`jianhu adapt`, POST /api/admin/models/ppe-hardhat/adapt). */
export const AdaptErrors = {
  noCrops: defineError(
    'JH_ERR_ADAPT_NO_CROPS',
    409,
    '尚无已复核的安全帽违章截图（确认违章或误报驳回后才会积累），无法学习。',
    'No reviewed hard-hat crops yet: confirm or dismiss no-hard-hat violations on the wall first.',
  ),
  tooFew: defineError(
    'JH_ERR_ADAPT_TOO_FEW',
    409,
    '已复核的截图太少，不足以学习并留出检验样本。',
    'Too few reviewed crops to learn from and still hold some back for the check.',
  ),
  running: defineError(
    'JH_ERR_ADAPT_RUNNING',
    409,
    '现场学习正在进行，请等待完成。',
    'Site adaptation is already running; wait for it to finish.',
  ),
  noShippedData: defineError(
    'JH_ERR_ADAPT_NO_SHIPPED_DATA',
    503,
    '找不到随模型发布的训练/验证数据（adapt.datasetsDir），无法保证学习后不退化。',
    'The shipped training and validation data (adapt.datasetsDir) are missing: adaptation cannot check it does no harm.',
  ),
  notAdaptable: defineError(
    'JH_ERR_ADAPT_MODEL_NOT_ADAPTABLE',
    500,
    '该模型没有可在本机重训的末层。',
    'The model has no last layer that can be retrained here.',
  ),
  nothingToRollBack: defineError(
    'JH_ERR_ADAPT_NOTHING_TO_ROLL_BACK',
    409,
    '当前使用的就是随版本发布的模型，没有可回退的版本。',
    'The shipped model is already in use: there is no earlier version to roll back to.',
  ),
  sharedBox: defineError(
    'JH_ERR_ADAPT_SHARED_BOX',
    403,
    '现场模型由本机所有企业的摄像头共用：只有本机的摄像头和学习截图全部属于您的企业时，企业管理员才能查看或调整它。多家企业共用的设备，请由设备运维人员在本机运行 jianhu adapt。',
    'The site model is shared by every enterprise with cameras on this box: an enterprise admin may see or change it only while all the box’s cameras and crops are their enterprise’s. On a shared box the box operator runs `jianhu adapt` on the box.',
  ),
  storeDamaged: defineError(
    'JH_ERR_ADAPT_STORE_DAMAGED',
    500,
    '现场模型目录中的版本文件与记录不符。',
    'A site model file does not match the hash recorded when it was adopted.',
  ),
};
