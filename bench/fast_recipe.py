"""The fast recipe of notebook 10a (half-width ResNet-9, crops + flips, one-cycle, label smoothing) on CIFAR-10.

    python bench/fast_recipe.py [--epochs 7] [--batch-size 256] [--lr 0.2] [--limit N] [--threads 2] [--out runs/fast]

`--limit N` trains on the first N training images in a shuffled order (a short run); the test set is
always all 10,000 images of cifar10-jpg.zip (JPEG re-encoded CIFAR-10). Prints each epoch, then the
test accuracy and the wall time; writes history.png and metrics.json to --out; a checkpoint is
written every epoch (`--resume` continues it).
"""
import argparse, json, os, sys, time
p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('--zip', default=None)
p.add_argument('--epochs', type=int, default=7)       # 86.18% on cifar10-jpg.zip (bench/RESULTS.md)
p.add_argument('--batch-size', type=int, default=256)
p.add_argument('--lr', type=float, default=0.2)
p.add_argument('--limit', type=int, default=None)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--workers', type=int, default=0)
p.add_argument('--out', default='runs/fast')
p.add_argument('--resume', action='store_true')
args = p.parse_args()
for v in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ[v] = str(args.threads)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import numpy as np
import matplotlib; matplotlib.use('Agg')
from tinygrad_edu.vision.datasets import CIFAR10JPG, ImageArrayDataset
from tinygrad_edu.models import fast_recipe
from tinygrad_edu.train import plot_history

train, test = CIFAR10JPG(args.zip, train=True), CIFAR10JPG(args.zip, train=False)
if args.limit:
    keep = np.sort(np.random.default_rng(0).permutation(len(train))[:args.limit])
    train = ImageArrayDataset(np.asarray(train.data)[keep], np.asarray(train.targets)[keep].tolist(), train.classes)
os.makedirs(args.out, exist_ok=True)
print(f"fast recipe: {len(train)} train / {len(test)} test images, {args.epochs} epochs, batch {args.batch_size}, "
      f"max lr {args.lr}, threads {args.threads}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
t0 = time.time()
model, history = fast_recipe(train, test, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, num_workers=args.workers,
                             checkpoint=os.path.join(args.out, 'checkpoint.pt'), resume=args.resume)
wall = time.time() - t0
acc = history['epochs'][-1]['valid_acc']
plot_history(history, os.path.join(args.out, 'history.png'), title=f"fast recipe: {100 * acc:.1f}% in {wall / 60:.1f} min")
json.dump({'test_accuracy': acc, 'wall_seconds': wall, 'args': vars(args), 'epochs': history['epochs']},
          open(os.path.join(args.out, 'metrics.json'), 'w'), indent=1)
print(f"test accuracy {100 * acc:.2f}% after {args.epochs} epochs; wall time {wall:.0f} s "
      f"(load average at the end {os.getloadavg()[0]:.1f})")
