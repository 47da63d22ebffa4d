"""DataLoader throughput on the 50,000 CIFAR-10 training images (JPEG zip), with augmentation
RandomCrop(32, padding=4) + RandomHorizontalFlip + ToTensor + Normalize.

    python bench/data_loader.py --data ../shared/data/cifar10-jpg.zip [--batch-size 512] [--no-cold]

Wall and CPU seconds are both printed (CPU = main process + worker processes).
Rows: the batch path (`DataLoader(batch_transform=...)` over the decoded, memory-mapped array) for
num_workers 0 and 2, cold (decode the JPEGs into a fresh cache + first epoch) and warm (later epochs);
the per-image path (torchvision-style transforms, measured on 5,000 images); and a plain NumPy loop doing
the same augmentation over the decoded array in one process (the reference). Ratios are images/s
relative to the NumPy loop (>1 = faster than the loop).
"""
import argparse, os, shutil, sys, tempfile, time
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))
from tinygrad_edu.utils.data import DataLoader, Subset
from tinygrad_edu.vision import datasets, transforms as T

MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)

def batch_augment():
    return T.Compose([T.BatchRandomCrop(32, padding=4), T.BatchRandomHorizontalFlip(), T.BatchToTensor(), T.Normalize(MEAN, STD)])

def image_augment():
    return T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(MEAN, STD)])

def cpu_seconds():
    "CPU time of this process and its finished children (workers are joined at the end of each epoch)."
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system

def epoch(loader):
    "Consume one epoch; return (images, wall seconds, CPU seconds)."
    t0, c0, n = time.perf_counter(), cpu_seconds(), 0
    for x, y in loader: n += x.shape[0]
    return n, time.perf_counter() - t0, cpu_seconds() - c0

def numpy_loop(data, bs, rng):
    "The reference: the same augmentation written directly in NumPy, one process."
    t0, c0 = time.perf_counter(), cpu_seconds()
    mean = np.asarray(MEAN, np.float32)[:, None, None]; std = np.asarray(STD, np.float32)[:, None, None]
    perm = rng.permutation(len(data)); n = 0
    for k in range(0, len(data), bs):
        idx = perm[k:k + bs]; b = np.asarray(data[idx])
        p = np.pad(b, ((0, 0), (4, 4), (4, 4), (0, 0)))
        i, j = rng.integers(0, 9, len(b)), rng.integers(0, 9, len(b))
        w = np.lib.stride_tricks.sliding_window_view(p, (32, 32), axis=(1, 2))[np.arange(len(b)), i, j]  # N,C,32,32
        f = np.flatnonzero(rng.random(len(b)) < 0.5)
        w[f] = w[f, :, :, ::-1]
        x = w.astype(np.float32); x /= 255; x -= mean; x /= std
        n += len(x)
    return n, time.perf_counter() - t0, cpu_seconds() - c0

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--data', default=None, help='cifar10-jpg.zip (default: found under ../shared/data)')
    ap.add_argument('--batch-size', type=int, default=512)
    ap.add_argument('--warm-epochs', type=int, default=2)
    ap.add_argument('--no-cold', action='store_true', help='skip the cold (decode) rows')
    ap.add_argument('--cache-dir', default=None, help='warm cache (default: the library default)')
    a = ap.parse_args()
    zip_path = datasets.find_cifar10_jpg(a.data)
    rows = []

    def add(name, n, s, c): rows.append((name, n, s, c)); print(f"  {name:<48} {n:>6} img {s:7.2f} s wall {c:7.2f} s CPU", flush=True)

    if not a.no_cold:
        for nw in (0, 2):
            tmp = tempfile.mkdtemp(prefix='tge-cold-')
            try:
                t0, c0 = time.perf_counter(), cpu_seconds()
                ds = datasets.CIFAR10JPG(zip_path, train=True, cache_dir=tmp, progress=False)
                t_dec, c_dec = time.perf_counter() - t0, cpu_seconds() - c0
                n, s, c = epoch(DataLoader(ds, batch_size=a.batch_size, shuffle=True, num_workers=nw, batch_transform=batch_augment()))
                add(f"batch path, workers={nw}, cold (decode {t_dec:.1f}s)", n, s + t_dec, c + c_dec)
            finally: shutil.rmtree(tmp, ignore_errors=True)

    ds = datasets.CIFAR10JPG(zip_path, train=True, cache_dir=a.cache_dir, progress=True)
    for nw in (0, 2):
        loader = DataLoader(ds, batch_size=a.batch_size, shuffle=True, num_workers=nw, batch_transform=batch_augment())
        epoch(loader)                                                   # warm-up: pages in memory, workers started
        best = min((epoch(loader) for _ in range(a.warm_epochs)), key=lambda r: r[1])
        add(f"batch path, workers={nw}, warm", *best)

    per_image = datasets.CIFAR10JPG(zip_path, train=True, cache_dir=a.cache_dir, transform=image_augment(), progress=False)
    sub = Subset(per_image, list(range(5000)))
    add("per-image transforms, workers=0, warm (5k imgs)", *epoch(DataLoader(sub, batch_size=a.batch_size, shuffle=True)))

    rng = np.random.default_rng(0)
    numpy_loop(ds.data, a.batch_size, rng)
    ref = min((numpy_loop(ds.data, a.batch_size, rng) for _ in range(a.warm_epochs)), key=lambda r: r[1])
    add("plain NumPy loop, 1 process, warm", *ref)

    ref_rate, ref_cpu = ref[0] / ref[1], ref[2] / ref[0]
    print(f"\n{'path':<50} {'img/s':>9} {'wall s/50k':>10} {'CPU s/50k':>10} {'ratio (wall)':>12} {'ratio (CPU)':>11}")
    for name, n, s, c in rows:
        r = n / s
        print(f"{name:<50} {r:>9,.0f} {50000 / r:>10.2f} {50000 * c / n:>10.2f} {r / ref_rate:>12.2f} {ref_cpu / (c / n):>11.2f}")
    print(f"\nratio > 1: faster than the plain NumPy loop. CPU = this process + its workers; on a busy machine it is the"
          f"\nsteadier figure (wall time then depends on the other jobs). cores: {os.cpu_count()}, load: {os.getloadavg()[0]:.1f}")

if __name__ == '__main__': main()
