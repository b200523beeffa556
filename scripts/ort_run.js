// Run an ONNX file with ONNX Runtime on a raw float32 input and print the first output:
// checks that a model siamcl exported (siamcl train --out) loads and computes in ORT.
//   NODE_PATH=/tmp/ort/node_modules node scripts/ort_run.js MODEL.onnx INPUT.f32 N C H W
// (ORT installs as in ../shared/tools/ort_bench.js.) Prints one output value per line.
const ort = require('onnxruntime-node');
const fs = require('fs');
(async () => {
  const [model, input, ...d] = process.argv.slice(2);
  const dims = d.map(Number);
  const buf = fs.readFileSync(input);
  const x = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const s = await ort.InferenceSession.create(model);
  const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, dims) });
  for (const v of out[s.outputNames[0]].data) console.log(v.toPrecision(8));
})();
