#!/usr/bin/python3
"""Train the float LeNet on the 8,000 MNIST training images; save tools/float_model/*.npy.

Deterministic: fixed seeds, one CPU thread, torch.use_deterministic_algorithms(True),
and every random choice (init, batch order, augmentation) drawn from seeded generators,
so two runs give bit-identical weights.

Recipe: Adam with weight decay, one-cycle learning-rate schedule, and each epoch a
fresh random affine augmentation of every training image (small rotation, scaling,
shift; bilinear resampling, re-rounded to pixel bytes so that training inputs live on
the same 256-value grid as the real ones).

Hyper-parameters were chosen with --validate (train on the first 7,000 training
images, report accuracy on the last 1,000); the held-out set is never used here.
"""
import argparse
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

import lenet
import mnist_data

SEED = 0
EPOCHS = 60
BATCH_SIZE = 64
MAX_LR = 1e-2
WEIGHT_DECAY = 1e-4
# Augmentation ranges (the digit is ~20 px tall in the 32x32 frame).
MAX_ROTATION_DEG = 12.0
MAX_SCALE_DELTA = 0.10
MAX_SHIFT_PX = 2.5


def make_deterministic():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def padded_unit_pixels(images):
    """uint8 [N, 28, 28] -> float32 tensor [N, 1, 32, 32] in [0, 1] (background 0)."""
    return torch.from_numpy(lenet.pad_images(images)).float().unsqueeze(1) / 255


def random_affine(unit_pixels, generator):
    """Each image rotated, scaled and shifted by its own random amounts."""
    n = len(unit_pixels)
    side = unit_pixels.shape[-1]

    def uniform(limit):
        return (torch.rand(n, generator=generator) * 2 - 1) * limit

    angle = uniform(math.radians(MAX_ROTATION_DEG))
    scale = 1 + uniform(MAX_SCALE_DELTA)
    # affine_grid works in normalized coordinates: the frame spans [-1, 1].
    shift_x = uniform(MAX_SHIFT_PX) * 2 / side
    shift_y = uniform(MAX_SHIFT_PX) * 2 / side
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift_x], 1),
                         torch.stack([sin, cos, shift_y], 1)], 1)
    grid = F.affine_grid(theta, list(unit_pixels.shape), align_corners=False)
    warped = F.grid_sample(unit_pixels, grid, mode="bilinear", padding_mode="zeros",
                           align_corners=False)
    # Back onto the byte grid, then the same normalization as real inputs.
    pixel_bytes = torch.round(warped * 255).clamp(0, 255).to(torch.uint8)
    return lenet.normalize(pixel_bytes)


def evaluate(model, images, labels):
    logits = lenet.predict(model.eval(), lenet.preprocess(images))
    return lenet.top1(logits, labels) / len(labels)


def train(images, labels, epochs=EPOCHS, validation=None, log_every=5):
    make_deterministic()
    model = lenet.LeNet()
    unit_pixels = padded_unit_pixels(images)
    targets = torch.from_numpy(labels.astype(np.int64))
    generator = torch.Generator().manual_seed(SEED)
    steps_per_epoch = math.ceil(len(images) / BATCH_SIZE)
    optimizer = torch.optim.Adam(model.parameters(), lr=MAX_LR, weight_decay=WEIGHT_DECAY)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=MAX_LR, epochs=epochs, steps_per_epoch=steps_per_epoch)
    for epoch in range(1, epochs + 1):
        start = time.time()
        model.train()
        inputs = random_affine(unit_pixels, generator)
        order = torch.randperm(len(images), generator=generator)
        total_loss = 0.0
        for first in range(0, len(images), BATCH_SIZE):
            batch = order[first:first + BATCH_SIZE]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(inputs[batch]), targets[batch])
            loss.backward()
            optimizer.step()
            schedule.step()
            total_loss += loss.item() * len(batch)
        if epoch % log_every == 0 or epoch == epochs:
            line = f"epoch {epoch:3d}  loss {total_loss / len(images):.4f}  {time.time() - start:.1f}s"
            if validation is not None:
                line += f"  validation {100 * evaluate(model, *validation):.2f}%"
            print(line, flush=True)
    return model.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--validate", type=int, metavar="N", default=0,
                        help="hold out the last N training images for validation; "
                             "weights are not saved in this mode")
    args = parser.parse_args()

    images, labels = mnist_data.training_set()
    if args.validate:
        validation = (images[-args.validate:], labels[-args.validate:])
        train(images[:-args.validate], labels[:-args.validate], args.epochs, validation)
        return
    start = time.time()
    model = train(images, labels, args.epochs)
    lenet.save_float_weights(model)
    print(f"training-set accuracy {100 * evaluate(model, images, labels):.2f}%; "
          f"weights in {lenet.FLOAT_MODEL_DIR} ({time.time() - start:.0f}s)")


if __name__ == "__main__":
    main()
