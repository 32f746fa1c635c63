import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { withDynamicSpatialInput } from '../../src/vision/detect/onnx-dynamic-input.ts';

// The slice of the ONNX schema this test needs (field numbers as in onnx/onnx.proto).
const root = protobuf.parse(`
syntax = "proto3";
message Dim { oneof value { int64 dim_value = 1; string dim_param = 2; } }
message Shape { repeated Dim dim = 1; }
message TensorType { int32 elem_type = 1; Shape shape = 2; }
message Type { oneof value { TensorType tensor_type = 1; } }
message ValueInfo { string name = 1; Type type = 2; }
message Node { repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4; }
message Tensor { repeated int64 dims = 1; int32 data_type = 2; string name = 8; bytes raw_data = 9; }
message Graph { repeated Node node = 1; string name = 2; repeated Tensor initializer = 5;
  repeated ValueInfo input = 11; repeated ValueInfo output = 12; repeated ValueInfo value_info = 13; }
message Opset { string domain = 1; int64 version = 2; }
message Model { int64 ir_version = 1; string producer_name = 2; Graph graph = 7; repeated Opset opset_import = 8; }
`).root;
const Model = root.lookupType('Model');

const vi = (name: string, dims: number[]) => ({
  name,
  type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

describe('withDynamicSpatialInput', () => {
  it('makes the spatial input dims and the row count symbolic and keeps everything else byte for byte', () => {
    const model = {
      irVersion: 7,
      producerName: 'test',
      opsetImport: [{ domain: 'ai.onnx', version: 11 }],
      graph: {
        name: 'g',
        node: [{ input: ['images'], output: ['output'], name: 'n0', opType: 'Conv' }],
        initializer: [{ name: 'w', dims: [2, 2], dataType: 1, rawData: new Uint8Array(16).fill(7) }],
        input: [vi('images', [1, 3, 416, 416])],
        output: [vi('output', [1, 3549, 85])],
        valueInfo: [vi('mid', [1, 16, 208, 208])],
      },
    };
    const bytes = Model.encode(Model.fromObject(model)).finish();
    const out = Model.toObject(Model.decode(withDynamicSpatialInput(bytes)), {
      longs: Number,
    }) as typeof model & {
      graph: { input: { type: { tensorType: { shape: { dim: Record<string, unknown>[] } } } }[] };
    };
    const dims = (v: { type: { tensorType: { shape: { dim: Record<string, unknown>[] } } } }) =>
      v.type.tensorType.shape.dim.map((d) => d.dimValue ?? d.dimParam);
    expect(dims(out.graph.input[0]!)).toEqual([1, 3, 'd2', 'd3']);
    expect(dims(out.graph.output[0] as never)).toEqual([1, 'o1', 85]);
    expect(out.graph.valueInfo ?? []).toEqual([]); // stale intermediate shapes dropped
    expect(out.graph.node).toEqual(model.graph.node);
    expect([...out.graph.initializer[0]!.rawData]).toEqual([...model.graph.initializer[0]!.rawData]);
    expect([out.irVersion, out.producerName, out.opsetImport]).toEqual([7, 'test', model.opsetImport]);
  });

  it('refuses bytes that are not a protobuf message', () => {
    expect(() => withDynamicSpatialInput(Uint8Array.from([0x3a, 0xff, 0xff, 0xff]))).toThrow(/truncated/);
  });
});
