"""The LeNet of the design brief (section 1) and the preprocessing every tool shares.

No layer has a bias. Preprocessing: the 28x28 uint8 digit is padded with 2 background
pixels (0) on each side to 32x32, then x = (p/255 - 0.5)/0.5 in float32.
"""
import os

import numpy as np
import torch
import torch.nn as nn

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TOOLS_DIR)
FLOAT_MODEL_DIR = os.path.join(TOOLS_DIR, "float_model")

PAD = 2
# Layers that carry weights, in execution order, and whether a ReLU follows each.
WEIGHT_LAYERS = ["conv1", "conv3", "conv5", "fc6", "fc7"]
RELU_AFTER = {"conv1": True, "conv3": True, "conv5": True, "fc6": True, "fc7": False}
# All layers of the exported integer network, in execution order.
ALL_LAYERS = ["conv1", "pool2", "conv3", "pool4", "conv5", "fc6", "fc7"]


# The max-pool that follows a conv layer in the exported network.
POOL_AFTER = {"conv1": "pool2", "conv3": "pool4"}


def network_layers(weight_layers):
    """Exported layer list: the conv/linear layer maps with the max-pools put in place."""
    layers = []
    for layer in weight_layers:
        layers.append(layer)
        if layer["name"] in POOL_AFTER:
            layers.append(dict(name=POOL_AFTER[layer["name"]], type="maxpool",
                               kernel=[2, 2], stride=2))
    return layers


def pad_images(images):
    """uint8 [N, 28, 28] -> uint8 [N, 32, 32], background 0 around the digit."""
    return np.pad(images, ((0, 0), (PAD, PAD), (PAD, PAD)), constant_values=0)


def normalize(pixels):
    """uint8 tensor (any shape) -> float32 activations in [-1, 1]; THE float preprocessing."""
    return (pixels.float() / 255 - 0.5) / 0.5


def preprocess(images):
    """uint8 numpy [N, 28, 28] -> float32 tensor [N, 1, 32, 32]."""
    padded = torch.from_numpy(pad_images(images))
    return normalize(padded).unsqueeze(1)


def pixel_activations():
    """float32 [256]: what normalize() makes of each pixel value 0..255."""
    return normalize(torch.arange(256, dtype=torch.uint8)).numpy()


class LeNet(nn.Module):
    """Float LeNet; the ReLUs are modules so that the quantization tools can fuse them."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, bias=False)
        self.relu1 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2, 2)
        self.conv3 = nn.Conv2d(6, 16, 5, bias=False)
        self.relu3 = nn.ReLU()
        self.pool4 = nn.MaxPool2d(2, 2)
        self.conv5 = nn.Conv2d(16, 120, 5, bias=False)
        self.relu5 = nn.ReLU()
        self.fc6 = nn.Linear(120, 84, bias=False)
        self.relu6 = nn.ReLU()
        self.fc7 = nn.Linear(84, 10, bias=False)

    def features(self, x):
        x = self.pool2(self.relu1(self.conv1(x)))
        x = self.pool4(self.relu3(self.conv3(x)))
        return torch.flatten(self.relu5(self.conv5(x)), 1)

    def forward(self, x):
        return self.fc7(self.relu6(self.fc6(self.features(x))))

    def layer_outputs(self, x):
        """Every exported layer's float output (after its ReLU where there is one)."""
        out = {}
        out["conv1"] = x = self.relu1(self.conv1(x))
        out["pool2"] = x = self.pool2(x)
        out["conv3"] = x = self.relu3(self.conv3(x))
        out["pool4"] = x = self.pool4(x)
        out["conv5"] = x = self.relu5(self.conv5(x))
        out["fc6"] = x = self.relu6(self.fc6(torch.flatten(x, 1)))
        out["fc7"] = self.fc7(x)
        return out


def save_float_weights(model, directory=FLOAT_MODEL_DIR):
    os.makedirs(directory, exist_ok=True)
    for name in WEIGHT_LAYERS:
        weight = getattr(model, name).weight.detach().numpy().astype(np.float32)
        np.save(os.path.join(directory, f"{name}.npy"), weight)


def load_float_weights(directory=FLOAT_MODEL_DIR):
    """{layer: float32 numpy weight} as saved by train_lenet.py."""
    return {name: np.load(os.path.join(directory, f"{name}.npy")) for name in WEIGHT_LAYERS}


def load_float_model(directory=FLOAT_MODEL_DIR):
    model = LeNet()
    weights = load_float_weights(directory)
    with torch.no_grad():
        for name in WEIGHT_LAYERS:
            getattr(model, name).weight.copy_(torch.from_numpy(weights[name]))
    return model.eval()


def predict(model, x, batch_size=1000):
    """Logits (float32 numpy [N, 10]) of a preprocessed batch."""
    with torch.no_grad():
        return torch.cat([model(x[i:i + batch_size]) for i in range(0, len(x), batch_size)]).numpy()


def top1(logits, labels):
    """Number of correct argmax predictions; ties go to the lowest index (np.argmax)."""
    return int((np.argmax(logits, axis=1) == labels).sum())
