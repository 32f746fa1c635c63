import { describe, expect, it } from 'vitest';
import { headAlone, headOutputName, mergeHeads } from '../../src/vision/detect/onnx/merge-heads.ts';
import { floatOutput, floatTensor, node, type OnnxModel } from '../../src/vision/detect/onnx/onnx-model.ts';
import { AppError } from '../../src/platform/shared/errors.ts';

/** A tiny "backbone": images → Conv(w) → feat → Sigmoid → output. */
function base(weight = 1): OnnxModel {
  return {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 11 }],
    producerName: 't',
    metadataProps: [],
    graph: {
      name: 'base',
      node: [node('Conv', ['images', 'w'], ['feat']), node('Sigmoid', ['feat'], ['output'])],
      initializer: [floatTensor('w', [1, 1, 1, 1], [weight])],
      input: [{ name: 'images' }],
      output: [floatOutput('output', 4)],
      valueInfo: [],
    },
  };
}

/** A head trained on the backbone: the shared Conv plus its own Relu → Conv(h) → "output". */
function head(backboneWeight = 1): OnnxModel {
  return {
    ...base(backboneWeight),
    graph: {
      name: 'head',
      node: [
        node('Conv', ['images', 'w'], ['feat']),
        node('Relu', ['feat'], ['jh.r']),
        node('Conv', ['jh.r', 'jh.w'], ['output']),
      ],
      initializer: [floatTensor('w', [1, 1, 1, 1], [backboneWeight]), floatTensor('jh.w', [1, 1, 1, 1], [2])],
      input: [{ name: 'images' }],
      output: [floatOutput('output', 3)],
      valueInfo: [],
    },
  };
}

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof AppError ? e.code : `not coded: ${(e as Error).message}`;
  }
  return undefined;
};

describe('mergeHeads', () => {
  it('keeps the base graph, adds only the head’s own nodes under its name, and one output per head', () => {
    const m = mergeHeads(base(), [
      { name: 'hat', model: head(), output: 'output' },
      { name: 'fire', model: head(), output: 'output' },
    ]);
    const g = m.graph;
    expect(g.node.map((n) => `${n.opType}:${n.input.join('+')}->${n.output.join('+')}`)).toEqual([
      'Conv:images+w->feat',
      'Sigmoid:feat->output',
      'Relu:feat->hat/jh.r',
      'Conv:hat/jh.r+hat/jh.w->hat/output',
      'Relu:feat->fire/jh.r',
      'Conv:fire/jh.r+fire/jh.w->fire/output',
    ]);
    expect(g.initializer.map((t) => t.name)).toEqual(['w', 'hat/jh.w', 'fire/jh.w']);
    expect(g.output.map((o) => o.name)).toEqual(['output', 'hat/output', 'fire/output']);
    expect(headOutputName('hat', 'output')).toBe('hat/output');
  });

  it('leaves its inputs untouched', () => {
    const b = base();
    const h = head();
    const before = JSON.stringify([b, h]);
    mergeHeads(b, [{ name: 'hat', model: h, output: 'output' }]);
    expect(JSON.stringify([b, h])).toBe(before);
  });

  it('refuses a head trained on other backbone weights', () => {
    expect(codeOf(() => mergeHeads(base(1), [{ name: 'hat', model: head(3), output: 'output' }]))).toBe(
      'JH_ERR_DETECT_BACKBONE_MISMATCH',
    );
  });

  it('refuses a head whose shared node is a different operation', () => {
    const h = head();
    h.graph.node[0] = node('Conv', ['images', 'jh.w'], ['feat']);
    expect(codeOf(() => mergeHeads(base(), [{ name: 'hat', model: h, output: 'output' }]))).toBe(
      'JH_ERR_DETECT_BACKBONE_MISMATCH',
    );
  });

  it('refuses a head without the named output or with another graph input', () => {
    expect(codeOf(() => mergeHeads(base(), [{ name: 'hat', model: head(), output: 'scores' }]))).toBe(
      'JH_ERR_DETECT_BACKBONE_MISMATCH',
    );
    const h = head();
    h.graph.input = [{ name: 'other' }];
    expect(codeOf(() => mergeHeads(base(), [{ name: 'hat', model: h, output: 'output' }]))).toBe(
      'JH_ERR_DETECT_BACKBONE_MISMATCH',
    );
  });

  it('exposes base tensors as extra outputs for heads run apart, and only tensors the base computes', () => {
    const m = mergeHeads(base(), [], ['feat', 'images']);
    expect(m.graph.output.map((o) => o.name)).toEqual(['output', 'feat']); // an input is fed, not output
    expect(() => mergeHeads(base(), [], ['nope'])).toThrow();
  });
});

describe('headAlone', () => {
  it('keeps only the head’s own nodes, fed by the base tensors at its cut', () => {
    const { model, cut } = headAlone(base(), { name: 'hat', model: head(), output: 'output' });
    expect(cut).toEqual(['feat']);
    const g = model.graph;
    expect(g.node.map((n) => `${n.opType}:${n.input.join('+')}->${n.output.join('+')}`)).toEqual([
      'Relu:feat->jh.r',
      'Conv:jh.r+jh.w->output',
    ]);
    expect(g.input.map((i) => i.name)).toEqual(['feat']);
    expect(g.initializer.map((t) => t.name)).toEqual(['jh.w']);
    expect(g.output.map((o) => o.name)).toEqual(['output']);
  });

  it('takes the shared initializers its own nodes read from the base, and the image when they read it', () => {
    const h = head();
    h.graph.node[2] = node('Conv', ['jh.r', 'jh.w'], ['jh.o']);
    h.graph.node.push(node('Mul', ['images', 'w'], ['jh.m']), node('Add', ['jh.m', 'jh.o'], ['sum']));
    h.graph.output = [floatOutput('sum', 4)];
    const { model, cut } = headAlone(base(), { name: 'hat', model: h, output: 'sum' });
    expect(cut).toEqual(['feat', 'images']);
    expect(model.graph.initializer.map((t) => t.name).sort()).toEqual(['jh.w', 'w']);
  });

  it('refuses a head trained on other backbone weights, as mergeHeads does', () => {
    expect(codeOf(() => headAlone(base(1), { name: 'hat', model: head(3), output: 'output' }))).toBe(
      'JH_ERR_DETECT_BACKBONE_MISMATCH',
    );
  });
});
