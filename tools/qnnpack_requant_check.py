#!/usr/bin/python3
"""Check on crafted inputs that qnnpack requantizes exactly as lenet_torch.yaml says.

The LeNet digits almost never put float32(acc) * M on a rounding tie or within a float32
rounding error of one, so on them float64 arithmetic or another tie rule would also match
PyTorch. These cases are built to tell them apart:
  ties         M = 2^-6 exactly (all scales powers of two): every acc = 32 mod 64 is a
               tie; conv 5x5 and linear, with and without fused ReLU.
  float32      accumulators near 2^24 chosen so that rounding the float32 product
               differs from rounding the exact product.
For each, the reference arithmetic of seed_reference (multiply, float32, half_even) must
match PyTorch's quantized module on every value, and the alternative must not.
"""
import numpy as np
import torch
import torch.ao.nn.quantized as nnq
import torch.nn.intrinsic.quantized as nniq

import seed_reference

INPUT_ZERO_POINT = 128


def quantized(values, scale, zero_point):
    return torch._make_per_tensor_quantized_tensor(torch.from_numpy(values), scale, zero_point)


def pytorch_output(module, w_q, a_q, input_scale, output_scale, output_zero_point):
    module.set_weight_bias(quantized(w_q, 1.0, 0), None)
    module.scale, module.zero_point = output_scale, output_zero_point
    with torch.no_grad():
        return module(quantized(a_q, input_scale, INPUT_ZERO_POINT)).int_repr().numpy()


def reference_output(kind, w_q, a_q, multiplier, output_zero_point, relu, rounding, precision):
    layer = dict(name="check", type=kind, weights=w_q, input_zero_point=INPUT_ZERO_POINT,
                 weight_zero_point=0,
                 requant=dict(mode="multiply", multiplier=multiplier, precision=precision,
                              rounding=rounding, output_zero_point=output_zero_point,
                              clamp=[0, 255], relu=relu))
    return seed_reference.run_layer(a_q, layer, np.uint8)


def qnnpack_multiplier(weight_scale, input_scale, output_scale):
    f32 = np.float32
    return float(f32(f32(weight_scale) * f32(input_scale)) * (f32(1) / f32(output_scale)))


def tie_cases(rng):
    """(kind, module, w_q, a_q, output scale, output zero point, relu) with M = 2^-6.

    Small weights and inputs near the zero point keep acc/64 inside the clamp range,
    where a tie shows in the output.
    """
    def weights(shape):
        return rng.randint(-6, 7, shape).astype(np.int8)

    def inputs(shape):
        return rng.randint(INPUT_ZERO_POINT - 24, INPUT_ZERO_POINT + 25, shape).astype(np.uint8)

    cases = []
    for relu in (False, True):
        conv = (nniq.ConvReLU2d if relu else nnq.Conv2d)(3, 8, 5)
        cases.append(("conv2d", conv, weights((8, 3, 5, 5)), inputs((4, 3, 12, 12)), 64.0, 100, relu))
        linear = (nniq.LinearReLU if relu else nnq.Linear)(48, 16)
        cases.append(("linear", linear, weights((16, 48)), inputs((256, 48)), 64.0, 100, relu))
    return cases


def float32_cases(rng, in_features=1024, per_scale=40):
    """Linear layers fed so that acc hits values where float32 and exact rounding differ."""
    weights = np.full((1, in_features), 127, dtype=np.int8)
    weights[0, -1] = 1
    cases = []
    for output_scale in np.float32(rng.uniform(2**15, 2**17, 4)):
        multiplier = qnnpack_multiplier(1.0, 1.0, output_scale)
        acc = rng.randint(2**22, 2**24 - 2**20, 2000000).astype(np.int64)
        differ = np.rint(acc.astype(np.float32) * np.float32(multiplier)) != np.rint(acc * multiplier)
        chosen = acc[differ][:per_scale]
        inputs = np.stack([inputs_for_accumulator(int(a), in_features) for a in chosen])
        cases.append(("linear", nnq.Linear(in_features, 1), weights,
                       (inputs + INPUT_ZERO_POINT).astype(np.uint8), float(output_scale), 0, False))
    return cases


def inputs_for_accumulator(acc, in_features):
    """a - zp values with sum(127 * d[:-1]) + d[-1] = acc, all within [-128, 127]."""
    total, last = divmod(acc, 127)
    base, extra = divmod(total, in_features - 1)
    d = np.full(in_features - 1, base)
    d[:extra] += 1
    d = np.append(d, last)
    assert d.min() >= -INPUT_ZERO_POINT and d.max() <= 255 - INPUT_ZERO_POINT
    return d


def count(cases, alternative):
    """(values checked, reference mismatches, mismatches of the alternative arithmetic)."""
    values = exact = other = 0
    for kind, module, w_q, a_q, output_scale, zero_point, relu in cases:
        expected = pytorch_output(module, w_q, a_q, 1.0, output_scale, zero_point)
        multiplier = qnnpack_multiplier(1.0, 1.0, output_scale)
        ours = reference_output(kind, w_q, a_q, multiplier, zero_point, relu, "half_even", "float32")
        theirs = reference_output(kind, w_q, a_q, multiplier, zero_point, relu, *alternative)
        values += expected.size
        exact += int((ours != expected).sum())
        other += int((theirs != expected).sum())
    return values, exact, other


def check():
    """Raise if the reference arithmetic misses PyTorch or the cases fail to discriminate."""
    torch.backends.quantized.engine = "qnnpack"
    rng = np.random.RandomState(0)
    report = []
    for label, cases, alternative in (
            ("ties (half_away instead)", tie_cases(rng), ("half_away", "float32")),
            ("float32 product (float64 instead)", float32_cases(rng), ("half_even", "float64"))):
        values, exact, other = count(cases, alternative)
        assert exact == 0, f"{label}: {exact}/{values} values differ from PyTorch"
        assert other > 0, f"{label}: the cases do not discriminate"
        report.append(f"{label}: reference 0/{values} mismatches, alternative {other}/{values}")
    return report


if __name__ == "__main__":
    for line in check():
        print(line)
