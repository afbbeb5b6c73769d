#!/usr/bin/python3
"""Held-out top-1 accuracy (2,000 digits) of the float LeNet and of its int8 versions.

  float        the float model (tools/float_model) in PyTorch
  seed         configs/lenet.yaml run by the numpy integer reference (seed_reference.py)
  torch        PyTorch's quantized model: its fc7 outputs, configs/lenet_torch/reference/
  variant ...  each configs/variants/*.yaml run by the numpy integer reference

Argmax ties go to the lowest index (np.argmax).
"""
import glob
import os

import numpy as np
import torch

import lenet
import mnist_data
import seed_reference

CONFIGS_DIR = os.path.join(lenet.REPO_ROOT, "configs")


def line(label, logits, labels):
    correct = int((np.argmax(logits, axis=1) == labels).sum())
    return f"{label:28s} {correct}/{len(labels)} = {100 * correct / len(labels):.2f}%"


def config_logits(path):
    network = seed_reference.load_network(path)
    logits, _ = seed_reference.run_network(network, network["input"]["images"])
    return logits


def main():
    torch.set_num_threads(1)
    images, labels = mnist_data.heldout_set()
    float_logits = lenet.predict(lenet.load_float_model(), lenet.preprocess(images))
    print(line("float", float_logits, labels))
    print(line("seed (lenet.yaml)", config_logits(os.path.join(CONFIGS_DIR, "lenet.yaml")), labels))
    torch_logits = np.load(os.path.join(CONFIGS_DIR, "lenet_torch", "reference", "logits_heldout.npy"))
    print(line("torch (lenet_torch.yaml)", torch_logits, labels))
    for path in sorted(glob.glob(os.path.join(CONFIGS_DIR, "variants", "*.yaml"))):
        name = os.path.splitext(os.path.basename(path))[0]
        print(line(f"variant {name}", config_logits(path), labels))


if __name__ == "__main__":
    main()
