#!/usr/bin/python3
"""Check two of PyTorch's (qnnpack) quantized operations as the ONNX import reproduces them.

adaptive_avg_pool2d to 1x1 (what torch.onnx.export writes as GlobalAveragePool): the output
keeps the input's scale S and zero point z, and
    out = clamp(round_half_even(float32(sum(q - z)) * M) + z, 0, 255),  M = float32(S / float32(S * N))
with N = H * W: `mean: multiply` (docs/arithmetic.md). Sums are pushed onto exact ties (sum = N/2
mod N) so that M's float32 rounding and the tie rule show; the exact mean rounded half to even
must miss some where N is even and not a power of two.

quantize_per_tensor (QuantStub): out = clamp(round_half_even(float32(x * float32(1 / S))) + z),
not ONNX's x / S: floats on and next to ties (k + 0.5) * S, where x / S must miss some.
"""
import numpy as np
import torch

F32 = np.float32


def pool_check(rng, trials=30):
    lines = []
    for h, w in ((2, 2), (2, 3), (3, 4), (4, 4), (5, 6), (7, 7), (14, 14)):
        n = h * w
        values = ours = exact = 0
        for _ in range(trials):
            scale, zero_point = float(F32(rng.uniform(0.005, 0.2))), int(rng.randint(0, 256))
            x = rng.randint(0, 256, (2, 64, h, w))
            total = x.sum((2, 3)) - zero_point * n
            if n % 2 == 0:  # move the first element so that the sum lies on a tie, where it can
                x[:, :, 0, 0] = np.clip(x[:, :, 0, 0] + (total // n) * n + n // 2 - total, 0, 255)
            q = torch._make_per_tensor_quantized_tensor(torch.from_numpy(x.astype(np.uint8)), scale, zero_point)
            y = torch.nn.functional.adaptive_avg_pool2d(q, 1)
            assert y.q_scale() == scale and y.q_zero_point() == zero_point
            out = y.int_repr().numpy()[:, :, 0, 0].astype(np.int64)
            total = x.sum((2, 3)) - zero_point * n
            multiplier = F32(F32(scale) / F32(F32(scale) * F32(n)))
            formula = np.clip(np.rint((total.astype(np.float32) * multiplier).astype(np.float32)) + zero_point, 0, 255)
            mean = np.clip(np.round(total / n) + zero_point, 0, 255)
            values += out.size
            ours += int((formula != out).sum())
            exact += int((mean != out).sum())
        assert ours == 0, f"adaptive_avg_pool2d {h}x{w}: {ours}/{values} differ from mean: multiply"
        if n % 2 == 0 and n & (n - 1):
            assert exact > 0, f"adaptive_avg_pool2d {h}x{w}: the cases do not discriminate"
        lines.append(f"adaptive_avg_pool2d {h}x{w}: {values} values, mean: multiply 0 mismatches, "
                     f"exact mean half_even {exact}")
    return lines


def quantize_check(rng):
    values = ours = onnx = 0
    k = np.arange(-120, 120)
    for scale in rng.uniform(0.005, 0.1, 40).astype(np.float32):
        ties = ((k + 0.5) * scale).astype(np.float32)
        x = np.concatenate([ties, np.nextafter(ties, np.inf), np.nextafter(ties, -np.inf)]).astype(np.float32)
        out = torch.quantize_per_tensor(torch.from_numpy(x), float(scale), 128, torch.quint8).int_repr().numpy()
        formula = np.clip(np.rint((x * (F32(1) / scale)).astype(np.float32)) + 128, 0, 255)
        divided = np.clip(np.rint((x / scale).astype(np.float32)) + 128, 0, 255)
        values += x.size
        ours += int((formula != out).sum())
        onnx += int((divided != out).sum())
    assert ours == 0 and onnx > 0, (ours, onnx)
    return [f"quantize_per_tensor: {values} values, x * (1 / S) 0 mismatches, x / S {onnx}"]


if __name__ == "__main__":
    torch.backends.quantized.engine = "qnnpack"
    torch.set_num_threads(1)
    generator = np.random.RandomState(0)
    for line in pool_check(generator) + quantize_check(generator):
        print(line)
