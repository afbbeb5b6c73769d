#!/usr/bin/python3
"""A small network of a user's own, to bring to accelsim through tools/export_torch.py.

float_model() returns it in float: export_torch.py quantizes it in FX graph mode (qnnpack) and
exports it. It has what a CNN of one's own usually has: a conv with ReLU, a depthwise conv, a
residual add, global average pooling and a linear classifier.

    /usr/bin/python3 tools/export_torch.py --model tools/example_user_model.py:float_model \\
        --size 32 --images 4 --onnx net.onnx --images-out x.npy --reference reference.npy

Run as a script, it writes the same model quantized and traced as TorchScript, for
`export_torch.py --model FILE.pt`: /usr/bin/python3 tools/example_user_model.py net.pt
"""
import sys

import torch

import torchvision_export


class SmallNet(torch.nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.stem_relu = torch.nn.ReLU()
        self.depthwise = torch.nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.pointwise = torch.nn.Conv2d(16, 16, 1)
        self.block_relu = torch.nn.ReLU()
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.classifier = torch.nn.Linear(16, classes)

    def forward(self, x):
        x = self.stem_relu(self.stem(x))
        x = self.block_relu(x + self.pointwise(self.depthwise(x)))
        return self.classifier(torch.flatten(self.pool(x), 1))


def float_model():
    torch.manual_seed(0)
    return SmallNet().eval()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: example_user_model.py OUT.pt (writes the model quantized by FX mode and traced)")
    model, _, shape = torchvision_export.quantized(f"{__file__}:float_model", 32, 4, 0)
    traced = torch.jit.trace(model, torch.zeros(1, *shape))
    torch.jit.save(traced, sys.argv[1])
    print(f"wrote {sys.argv[1]}: SmallNet quantized (FX, qnnpack) and traced")


if __name__ == "__main__":
    main()
