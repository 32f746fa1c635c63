/**
 * Label assignment now lives in src/vision/adapt/assign.ts: the service's site adaptation (`jianhu adapt`)
 * labels grid cells exactly as the trainers do, and src/ may not import training/.
 */
export * from '../../src/vision/adapt/assign.ts';
