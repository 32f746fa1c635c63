/**
 * Read, edit and write ONNX models with protobufjs and a minimal copy of the ONNX schema
 * (onnx.proto next to this file). Used by training/ to expose YOLOX-Nano's head features and to append
 * our trained heads to it, and by the runtime to run several heads on one backbone pass
 * (shared-backbone.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = protobuf.loadSync(path.join(here, 'onnx.proto'));
const ModelProto = root.lookupType('onnx.ModelProto');

export interface OnnxNode {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  attribute: OnnxAttribute[];
}
export interface OnnxAttribute {
  name: string;
  type: number;
  i?: number;
  f?: number;
  ints?: number[];
}
export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}
export interface OnnxValueInfo {
  name: string;
  type?: unknown;
}
export interface OnnxGraph {
  node: OnnxNode[];
  name: string;
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
}
export interface OnnxModel {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  graph: OnnxGraph;
  metadataProps: { key: string; value: string }[];
}

export function readModel(file: string): OnnxModel {
  return decodeModel(fs.readFileSync(file));
}

/** An ONNX file's bytes as a plain object (int64s as numbers, bytes as arrays). */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const msg = ModelProto.decode(bytes);
  return ModelProto.toObject(msg, {
    longs: Number,
    defaults: true,
    bytes: Array.prototype.constructor,
  }) as OnnxModel;
}

export function encodeModel(model: OnnxModel): Buffer {
  const err = ModelProto.verify(model);
  if (err) throw new Error(`invalid ONNX model: ${err}`);
  return Buffer.from(ModelProto.encode(ModelProto.fromObject(model)).finish());
}

const FLOAT = 1;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

export function floatTensor(name: string, dims: number[], data: Float32Array | number[]): OnnxTensor {
  const f = Float32Array.from(data);
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(f.buffer, f.byteOffset, f.byteLength) };
}

export function int64Tensor(name: string, data: number[]): OnnxTensor {
  const b = new BigInt64Array(data.map((v) => BigInt(v)));
  return { name, dims: [data.length], dataType: INT64, rawData: new Uint8Array(b.buffer) };
}

export const attr = {
  int: (name: string, i: number): OnnxAttribute => ({ name, type: ATTR_INT, i }),
  float: (name: string, f: number): OnnxAttribute => ({ name, type: ATTR_FLOAT, f }),
  ints: (name: string, ints: number[]): OnnxAttribute => ({ name, type: ATTR_INTS, ints }),
};

export function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: OnnxAttribute[] = [],
): OnnxNode {
  return { opType, input, output, name: output[0] ?? opType, attribute };
}

/** A float tensor graph output with a free-form shape (onnxruntime infers it). */
export function floatOutput(name: string, rank: number): OnnxValueInfo {
  const dim = Array.from({ length: rank }, (_, i) => ({ dimParam: `d${i}` }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

/** Keeps only the nodes and initializers needed to compute `outputs`, and sets them as outputs. */
export function pruneTo(model: OnnxModel, outputs: OnnxValueInfo[]): void {
  const g = model.graph;
  const producer = new Map<string, OnnxNode>();
  for (const n of g.node) for (const o of n.output) producer.set(o, n);
  const keep = new Set<OnnxNode>();
  const needed = new Set<string>();
  const stack = outputs.map((o) => o.name);
  while (stack.length > 0) {
    const t = stack.pop() as string;
    if (needed.has(t)) continue;
    needed.add(t);
    const n = producer.get(t);
    if (n && !keep.has(n)) {
      keep.add(n);
      stack.push(...n.input.filter((x) => x !== ''));
    }
  }
  g.node = g.node.filter((n) => keep.has(n));
  g.initializer = g.initializer.filter((t) => needed.has(t.name));
  g.valueInfo = [];
  g.output = outputs;
}
