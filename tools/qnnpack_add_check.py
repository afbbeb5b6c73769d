#!/usr/bin/python3
"""Check on crafted inputs that PyTorch's quantized add on qnnpack computes what the importer says.

PyTorch's quantized::add / add_relu on the qnnpack engine (uint8 operands of the same shape)
is qnnpack's fixed-point add (pytorch_qnnp_compute_add_quantization_params):
  ra = float32(S_a / S_out), rb = float32(S_b / S_out)
  shift = 21 - exponent(max(ra, rb)),  ma = lrintf(ra * 2^shift), mb = lrintf(rb * 2^shift)
  out = clamp(round_half_away((ma * (a - za) + mb * (b - zb)) / 2^shift) + zo, lo, 255)
with lo = zo for add_relu, else 0. The importer writes it as an add layer with
`mode: fixed_point, rounding: half_away` (docs/arithmetic.md).

Random scales almost never put a sum on a tie, so these cases are built to:
  ties         scales whose ratios are exact short binary fractions, operand pairs whose
               sum lies exactly on a tie (and some that do not), with even and odd output
               zero points, add and add_relu.
  multiplier   random scales; the operand pairs where the 22-bit multipliers round
               differently from the exact ratio (float64 dequantize-add-requantize).
The formula must match PyTorch on every value; the alternatives (half_even instead of
half_away; ONNX Runtime's float32 QLinearAdd; the exact ratio; one bit less of multiplier, the
larger in [2^20, 2^21)) are counted where they miss it.

With --out DIR, writes the cases for tests/import/torch_add_ties_test.cpp:
  DIR/add_cases.npy   int32 [K, 7]: za, zb, zo, relu, a, b, PyTorch's output
  DIR/add_scales.npy  float32 [K, 3]: S_a, S_b, S_out of each row
"""
import argparse
import os

import numpy as np
import torch

F32 = np.float32


def qnnpack_parameters(a_scale, b_scale, output_scale, top_bit=21):
    """top_bit 21: the larger multiplier in [2^21, 2^22), as qnnpack (20 is the alternative)."""
    ratios = [F32(F32(a_scale) / F32(output_scale)), F32(F32(b_scale) / F32(output_scale))]
    assert all(2.0**-14 <= r < 2.0**8 for r in ratios)
    exponent = int(np.frexp(max(ratios))[1]) - 1  # max = f * 2^exponent, f in [1, 2)
    shift = top_bit - exponent
    multipliers = [int(np.rint(np.ldexp(r, shift))) for r in ratios]  # exact scaling, ties to even
    return multipliers, shift


def formula(case, rounding="half_away", top_bit=21):
    (ma, mb), shift = qnnpack_parameters(*case["scales"], top_bit=top_bit)
    total = ma * (case["a"].astype(np.int64) - case["za"]) + mb * (case["b"].astype(np.int64) - case["zb"])
    if rounding == "half_away":
        y = np.sign(total) * ((np.abs(total) + (1 << (shift - 1))) >> shift)
    else:  # half_even
        y = np.rint(total / float(1 << shift)).astype(np.int64)
    return np.clip(y + case["zo"], case["zo"] if case["relu"] else 0, 255)


def onnxruntime_formula(case):
    """ONNX Runtime's QLinearAdd (x86-64 AVX2): float32 fused multiply-adds, round half to even."""
    ra = F32(F32(case["scales"][0]) / F32(case["scales"][2]))
    rb = F32(F32(case["scales"][1]) / F32(case["scales"][2]))
    a, b = case["a"].astype(np.float64), case["b"].astype(np.float64)
    offset = F32(case["zo"] - F32(float(ra) * case["za"] + float(F32(rb * F32(case["zb"])))))
    y = np.rint((a * float(ra) + (b * float(rb) + float(offset)).astype(np.float32)).astype(np.float32))
    return np.clip(y, case["zo"] if case["relu"] else 0, 255).astype(np.int64)


def exact_formula(case):
    s_a, s_b, s_out = (float(F32(s)) for s in case["scales"])
    real = ((case["a"] - case["za"]) * s_a + (case["b"] - case["zb"]) * s_b) / s_out
    y = np.sign(real) * np.floor(np.abs(real) + 0.5)
    return np.clip(y + case["zo"], case["zo"] if case["relu"] else 0, 255).astype(np.int64)


def pytorch_output(case):
    s_a, s_b, s_out = (float(F32(s)) for s in case["scales"])
    qa = torch._make_per_tensor_quantized_tensor(torch.from_numpy(case["a"].astype(np.uint8)), s_a, case["za"])
    qb = torch._make_per_tensor_quantized_tensor(torch.from_numpy(case["b"].astype(np.uint8)), s_b, case["zb"])
    add = torch.ops.quantized.add_relu if case["relu"] else torch.ops.quantized.add
    return add(qa, qb, s_out, case["zo"]).int_repr().numpy().astype(np.int64)


def every_pair():
    a, b = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    return a.ravel(), b.ravel()


def tie_cases(rng, ties=256, others=64):
    """Per case up to `ties` operand pairs whose sum lies exactly on a tie, and `others` that do not."""
    a, b = every_pair()
    cases = []
    for scales in ((0.5, 0.25, 1.0), (0.375, 0.625, 1.0), (0.75, 0.5, 2.0), (1.0, 3.0, 8.0), (0.5, 0.5, 1.0)):
        for zo in (128, 127, 0, 3):
            for relu in (False, True):
                case = dict(scales=scales, za=int(rng.randint(0, 256)), zb=int(rng.randint(0, 256)), zo=zo,
                            relu=relu, a=a, b=b)
                (ma, mb), shift = qnnpack_parameters(*scales)
                total = ma * (a - case["za"]) + mb * (b - case["zb"])
                on_tie = (total & ((1 << shift) - 1)) == (1 << (shift - 1))
                keep = np.concatenate([rng.permutation(np.flatnonzero(on_tie))[:ties],
                                       rng.permutation(np.flatnonzero(~on_tie))[:others]])
                cases.append(dict(case, a=a[keep], b=b[keep]))
    return cases


def multiplier_cases(rng, wanted=12):
    """Random scales, keeping the operand pairs where the fixed point and the exact ratio differ."""
    a, b = every_pair()
    cases = []
    while len(cases) < wanted:
        s_a, s_b, s_out = (float(F32(s)) for s in rng.uniform(0.005, 0.1, 3))
        case = dict(scales=(s_a, s_b, s_out), za=int(rng.randint(0, 256)), zb=int(rng.randint(0, 256)),
                    zo=int(rng.randint(0, 256)), relu=bool(len(cases) % 2), a=a, b=b)
        differ = formula(case) != exact_formula(case)
        if differ.any():
            keep = np.flatnonzero(differ)[:64]
            cases.append(dict(case, a=a[keep], b=b[keep]))
    return cases


def check(cases, label):
    values = int(sum(case["a"].size for case in cases))
    expected = [pytorch_output(case) for case in cases]
    ours = sum(int((formula(c) != e).sum()) for c, e in zip(cases, expected))
    assert ours == 0, f"{label}: {ours}/{values} values differ from PyTorch"
    alternatives = {"half_even": lambda c: formula(c, "half_even"), "onnxruntime": onnxruntime_formula,
                    "exact ratio": exact_formula, "multipliers in [2^20, 2^21)": lambda c: formula(c, top_bit=20)}
    line = f"{label}: {len(cases)} cases, {values} values, formula 0 mismatches; alternatives"
    for name, alternative in alternatives.items():
        line += f", {name} {sum(int((alternative(c) != e).sum()) for c, e in zip(cases, expected))}"
    return line, expected


def write_cases(directory, cases, outputs):
    rows, scales = [], []
    for case, output in zip(cases, outputs):
        n = case["a"].size
        rows.append(np.stack([np.full(n, case["za"]), np.full(n, case["zb"]), np.full(n, case["zo"]),
                              np.full(n, int(case["relu"])), case["a"], case["b"], output], axis=1))
        scales.append(np.tile(np.array(case["scales"], dtype=np.float32), (n, 1)))
    os.makedirs(directory, exist_ok=True)
    np.save(os.path.join(directory, "add_cases.npy"), np.concatenate(rows).astype(np.int32))
    np.save(os.path.join(directory, "add_scales.npy"), np.concatenate(scales).astype(np.float32))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="folder for add_cases.npy and add_scales.npy")
    args = parser.parse_args()
    torch.backends.quantized.engine = "qnnpack"
    torch.set_num_threads(1)
    rng = np.random.RandomState(0)
    all_cases, all_outputs = [], []
    for label, cases in (("ties", tie_cases(rng)), ("multiplier", multiplier_cases(rng))):
        line, outputs = check(cases, label)
        print(line)
        all_cases += cases
        all_outputs += outputs
    if args.out:
        write_cases(args.out, all_cases, all_outputs)
        print(f"wrote {args.out}/add_cases.npy, add_scales.npy")


if __name__ == "__main__":
    main()
