/**
 * Runs the person re-id embedder at half resolution inside its own graph: the 128×256 crop is
 * averaged 2×2 to 64×128 before the network, and its last feature map (8×4 instead of 16×8) is
 * stretched back (nearest) to the 16×8 its final global depthwise convolution was trained on. The
 * convolutions before it then cost about a quarter; the graph's input stays the 128×256 crop, so the
 * colour and tone cues of the torso band (classifier.ts, cues.ts) still read full-resolution pixels.
 * The embeddings differ from the full-resolution ones, so the head must be trained on these.
 */
import {
  attr,
  floatTensor,
  int64Tensor,
  node,
  type OnnxModel,
} from '../../src/vision/detect/onnx/onnx-model.ts';

/** The global depthwise convolution's kernel: the feature map size at the native 256×128 input. */
const FINAL_MAP = [16, 8] as const;

export function halveReid(model: OnnxModel, input = 'inputs:0'): void {
  const g = model.graph;
  const entry = g.node.filter((n) => n.input.includes(input));
  if (entry.length !== 1)
    throw new Error(`halveReid: expected one node reading ${input}, got ${entry.length}`);
  const first = entry[0] as (typeof entry)[number];
  first.input = first.input.map((i) => (i === input ? 'jh.half' : i));
  const weights = new Map(g.initializer.map((t) => [t.name, t]));
  const global = g.node.filter(
    (n) =>
      n.opType === 'Conv' &&
      weights
        .get(n.input[1] ?? '')
        ?.dims.slice(2)
        .join('x') === FINAL_MAP.join('x'),
  );
  if (global.length !== 1)
    throw new Error(`halveReid: expected one ${FINAL_MAP.join('×')} global convolution`);
  const conv = global[0] as (typeof global)[number];
  const channels = weights.get(conv.input[1] as string)?.dims[0] as number;
  const features = conv.input[0] as string;
  conv.input[0] = 'jh.final';
  // NHWC input → NCHW for pooling → back to NHWC, where the embedder's own first node expects it
  g.node.unshift(
    node('Transpose', [input], ['jh.nchw'], [attr.ints('perm', [0, 3, 1, 2])]),
    node(
      'AveragePool',
      ['jh.nchw'],
      ['jh.pooled'],
      [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])],
    ),
    node('Transpose', ['jh.pooled'], ['jh.half'], [attr.ints('perm', [0, 2, 3, 1])]),
  );
  g.node.splice(
    g.node.indexOf(conv),
    0,
    node('Resize', [features, 'jh.roi', 'jh.scales', 'jh.final.size'], ['jh.final']),
  );
  g.initializer.push(
    floatTensor('jh.roi', [0], []),
    floatTensor('jh.scales', [0], []),
    int64Tensor('jh.final.size', [1, channels, ...FINAL_MAP]),
  );
}
