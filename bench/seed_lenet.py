"""Seed 004's LeNet recipe on all of CIFAR-10 (cifar10-jpg.zip), tinygrad_edu and PyTorch side by side.

    python bench/seed_lenet.py [--zip ../shared/data/cifar10-jpg.zip] [--epochs 2] [--threads 2] [--only tinygrad_edu]

The recipe: ToTensor + Normalize((0.5,)*3, (0.5,)*3), batches of 4 in a shuffled order, the LeNet
variant, CrossEntropyLoss, SGD(lr=0.001, momentum=0.9), 2 epochs, running loss every 2,000 batches,
then accuracy on the 10,000 test images. Both frameworks start from the same weights (tinygrad_edu's
`nn.init` draws the same numbers as PyTorch's after `manual_seed(0)`) and see the same batches in
the same order (one NumPy permutation per epoch), so the two runs differ only by floating-point
rounding. The images are decoded once into a uint8 cache (`CIFAR10JPG`); wall time covers training
and testing, not decoding.
"""
import argparse, os, sys, time
p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('--zip', default=None)
p.add_argument('--epochs', type=int, default=2)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--only', default='torch,tinygrad_edu')
args = p.parse_args()
for v in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ[v] = str(args.threads)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import numpy as np
from tinygrad_edu.vision.datasets import CIFAR10JPG

train, test = CIFAR10JPG(args.zip, train=True), CIFAR10JPG(args.zip, train=False)
Xtr, ytr = np.asarray(train.data), np.asarray(train.targets)
Xte, yte = np.asarray(test.data), np.asarray(test.targets)

def batch(X, idx):
    "uint8 N×H×W×C -> float32 N×C×H×W normalised with mean = std = 0.5 (the seed's transform)."
    return np.ascontiguousarray((X[idx].transpose(0, 3, 1, 2).astype(np.float32) / 255 - 0.5) / 0.5)

def run(torch):
    import_nn = __import__(f"{torch.__name__}.nn", fromlist=['functional'])
    nn, F, optim = import_nn, import_nn.functional, __import__(f"{torch.__name__}.optim", fromlist=['SGD'])
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5); self.pool = nn.MaxPool2d(2, 2); self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120); self.fc2 = nn.Linear(120, 84); self.fc3 = nn.Linear(84, 10)
        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.view(-1, 16 * 5 * 5)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
    torch.manual_seed(args.seed)
    net = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    t0 = time.time()
    for epoch in range(args.epochs):
        order = np.random.default_rng(args.seed + epoch).permutation(len(Xtr))
        running_loss = 0.0
        for i in range(len(order) // 4):
            idx = order[4 * i:4 * i + 4]
            inputs, labels = torch.from_numpy(batch(Xtr, idx)), torch.from_numpy(ytr[idx])
            optimizer.zero_grad()
            loss = criterion(net(inputs), labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 2000 == 1999:
                print(f'  {torch.__name__:>12} [{epoch + 1}, {i + 1:5d}] loss: {running_loss / 2000:.3f}  ({time.time() - t0:.0f} s)', flush=True)
                running_loss = 0.0
    train_s = time.time() - t0
    correct = 0
    with torch.no_grad():
        for s in range(0, len(Xte), 100):
            out = net(torch.from_numpy(batch(Xte, np.arange(s, min(s + 100, len(Xte))))))
            correct += int((out.argmax(1).numpy() == yte[s:s + 100]).sum())
    return correct / len(Xte), train_s, time.time() - t0

results = {}
print(f"seed 004's LeNet recipe on {len(Xtr)} train / {len(Xte)} test images (cifar10-jpg.zip), {args.epochs} epochs, "
      f"threads {args.threads}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
for name in args.only.split(','):
    if name == 'torch':
        import torch; torch.set_num_threads(args.threads)
    else:
        import tinygrad_edu as torch
    results[name] = run(torch)
    acc, tr, tot = results[name]
    print(f"{name}: test accuracy {100 * acc:.2f}%, training {tr:.0f} s, total {tot:.0f} s", flush=True)
print(f"\n| framework | test accuracy | wall time (train + test) |\n|---|---|---|")
for name, (acc, tr, tot) in results.items(): print(f"| {name} | {100 * acc:.2f}% | {tot:.0f} s |")
print(f"(load average at the end: {os.getloadavg()[0]:.1f})")
