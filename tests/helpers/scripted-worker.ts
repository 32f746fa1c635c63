import type { Box, Detection } from '../../src/vision/detect/types.ts';
import type { Frame } from '../../src/video/ingest/types.ts';

/**
 * One worker in front of camera cam-a1, as scripted detections: tests of the violation path feed these
 * instead of running the hard-hat model, each with a plain grey RGB frame so that a real snapshot can
 * be encoded and stored.
 */
const W = 320;
const H = 180;
const PERSON: Box = [100, 40, 140, 170];

export const greyFrame = (ts: number): Frame => ({
  cameraId: 'cam-a1',
  ts,
  seq: 0,
  width: W,
  height: H,
  data: Buffer.alloc(W * H * 3, 90),
});
/** The worker's head without a hard hat: the no-helmet rule fires after its dwell time. */
export const bareHead: Detection[] = [
  { label: 'person', score: 0.9, box: PERSON },
  { label: 'head', score: 0.8, box: [108, 40, 132, 62] },
];
/** The same worker with a hard hat on: an active no-helmet violation ends. */
export const hardHat: Detection[] = [
  { label: 'person', score: 0.9, box: PERSON },
  { label: 'helmet', score: 0.8, box: [108, 40, 132, 62] },
];
