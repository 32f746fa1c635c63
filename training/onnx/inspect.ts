/** Prints an ONNX graph's nodes (op, name, inputs -> outputs): `npx tsx training/onnx/inspect.ts FILE`. */
import { readModel } from '../../src/vision/detect/onnx/onnx-model.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: inspect.ts MODEL.onnx');
  process.exit(2);
}
const m = readModel(file);
console.log(
  `ir ${m.irVersion}, opset ${m.opsetImport.map((o) => `${o.domain || 'ai.onnx'}:${o.version}`).join(',')}`,
);
console.log(
  `inputs ${m.graph.input.map((i) => i.name).join(',')} outputs ${m.graph.output.map((o) => o.name).join(',')}`,
);
for (const n of m.graph.node)
  console.log(`${n.opType} ${n.name} ${n.input.join(',')} -> ${n.output.join(',')}`);
