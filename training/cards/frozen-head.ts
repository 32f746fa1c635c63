/** Card text of the heads trained on the frozen YOLOX-Nano backbone (the frozen hard-hat and fire trainers). */
import { COLOUR_CHANNELS } from '../head/export.ts';
import type { HeadResult } from '../head/train-yolox-head.ts';

export const BACKBONE = `- Backbone: YOLOX-Nano (COCO, 416×416, Apache-2.0, Megvii; ONNX from Kazuhito00/MOT-Tracking-by-Detection-Pipeline
  commit e50a76b8), frozen. Input and output are YOLOX's: 416×416 BGR 0..255, top-left letterbox padded with 114;
  output \`output\` [1, 3549, 5 + classes] raw head rows (tx, ty, tw, th, objectness, class scores; sigmoids applied).
- Head (ours): per grid cell of each FPN level (strides 8/16/32), the 64-channel classification and 64-channel
  regression features of YOLOX's head are concatenated (128 values) and fed to a 2-layer perceptron
  (128 → hidden → 5 + classes, ReLU), written into the ONNX graph as two 1×1 convolutions. Trained in plain
  TypeScript (Adam, cosine learning rate, seeded) on features precomputed once per (augmented) image.`;

/** The card's description of the optional colour features (export.ts ColourSpec). */
export function colourText(res: HeadResult, why: string): string {
  const c = res.colour;
  if (!c) return '';
  const windows = [
    ...c.context.map((k) => (k === 1 ? 'the cell itself (s×s)' : `a ${k}s×${k}s window centred on the cell`)),
    ...c.above.map((d) => (d === 1 ? 'the cell just above' : `the cell ${d} rows above`)),
  ];
  const rows = (c.neighbours ?? []).map((d) =>
    d > 0 ? `${d} row${d > 1 ? 's' : ''} above` : `${-d} row${d < -1 ? 's' : ''} below`,
  );
  const neighbours = rows.length
    ? `
- Vertical context (added as well): YOLOX's 64 classification-branch values of the cells ${rows.join(' and ')} each
  cell (zero beyond the frame's edge; Pad + Slice nodes on the backbone's own tensors, export.ts \`neighbours\`). The
  MLP input is ${res.mlp.dim} values per cell.`
    : '';
  return `
- Colour features (${COLOUR_CHANNELS * (c.context.length + c.above.length)} values added to the 128 YOLOX values${rows.length ? '' : `, so the MLP input is ${res.mlp.dim} per cell`}): for a cell of stride s,
  mean B, G, R (÷ 255) and mean chroma (max − min of B, G, R) over ${windows.join(' and ')}; computed in the graph from
  the input \`images\` (Split + Max − Min for chroma, AveragePool with stride s, Pad + Slice for the cell above), so the
  head reads only the backbone and the graph input and still merges onto YOLOX-Nano. Training computes them with the
  same ONNX nodes (training/head/export.ts \`addColourNodes\`). ${why}${neighbours}`;
}
