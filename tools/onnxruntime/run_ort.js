// ONNX Runtime (onnxruntime-node, CPU) as the oracle of imported models.
// Usage: node tools/onnxruntime/run_ort.js MODEL.onnx OUT.npy INPUT.npy [LEVEL] [U8S8]
// Runs the model's one input on INPUT.npy (batch first) and writes its first output to OUT.npy,
// on one thread, with graph optimization LEVEL: disabled, basic, extended or all (the default).
// `basic` keeps a QDQ graph as it is (float ops between QuantizeLinear and DequantizeLinear);
// `all` fuses it into ORT's integer kernels (QLinearConv, QGemm, NHWC layouts).
// U8S8 is `exact` (the default) or `fast`. On x86-64 without VNNI, ORT's default uint8 x int8
// kernels sum pairs of products in 16 bits (vpmaddubsw), which saturate when the weights use
// the int8 range; `exact` sets ORT's own remedy, the session option session.x64quantprecision
// (its U8U8 kernels, whose int32 sums are the operator's definition). `fast` keeps the default,
// to show what it gives on such a machine (docs/import.md).
// Needs `npm ci --ignore-scripts` in tools/onnxruntime (scripts/setup.sh does it).
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

const NPY_TO_ORT = { '|u1': 'uint8', '|i1': 'int8', '<i4': 'int32', '<i8': 'int64', '<f4': 'float32' };
const ORT_TO_NPY = Object.fromEntries(Object.entries(NPY_TO_ORT).map(([npy, type]) => [type, npy]));
const ARRAYS = { uint8: Uint8Array, int8: Int8Array, int32: Int32Array, int64: BigInt64Array, float32: Float32Array };

function readNpy(file) {
  const buffer = fs.readFileSync(file);
  if (buffer.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`);
  const headerLength = buffer[6] === 1 ? buffer.readUInt16LE(8) : buffer.readUInt32LE(8);
  const headerStart = buffer[6] === 1 ? 10 : 12;
  const header = buffer.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order is not supported`);
  const dims = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter((s) => s).map(Number);
  const type = NPY_TO_ORT[descr];
  if (!type) throw new Error(`${file}: dtype ${descr} is not supported`);
  const bytes = buffer.subarray(headerStart + headerLength);
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return new ort.Tensor(type, new ARRAYS[type](copy), dims);
}

function writeNpy(file, tensor) {
  const descr = ORT_TO_NPY[tensor.type];
  if (!descr) throw new Error(`output type ${tensor.type} is not supported`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const preamble = Buffer.alloc(10);
  preamble.write('\x93NUMPY', 0, 'latin1');
  preamble[6] = 1;
  preamble.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  fs.writeFileSync(file, Buffer.concat([preamble, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

(async () => {
  const [model, output, input, level, u8s8] = process.argv.slice(2);
  if (!input || !['exact', 'fast', undefined].includes(u8s8)) {
    throw new Error('usage: node run_ort.js MODEL.onnx OUT.npy INPUT.npy [disabled|basic|extended|all] [exact|fast]');
  }
  const options = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: level || 'all' };
  if (u8s8 !== 'fast') options.extra = { session: { x64quantprecision: '1' } };
  const session = await ort.InferenceSession.create(model, options);
  const results = await session.run({ [session.inputNames[0]]: readNpy(input) });
  writeNpy(output, results[session.outputNames[0]]);
})().catch((error) => { console.error(`run_ort.js: ${error.message}`); process.exit(2); });
