"""Training-step time (forward + backward + SGD step) of tinygrad_edu against PyTorch on the CPU.

    python bench/train_step.py [--threads 2] [--rounds 5] [--only lenet4,lenet64,resnet128] [--profile resnet128] [--quick]

Same model definitions (LeNet of seed 004, the half-width ResNet-9 of notebook 10a), same initial
weights (copied from the PyTorch model), same batch, same optimizer, same number of threads (BLAS
threads for NumPy, `torch.set_num_threads` for PyTorch), in the same process. The two frameworks are
timed in alternating rounds; the table shows the best round of each (the machine is shared: the best
round is the one least disturbed by other processes) and the median in brackets.
"""
import argparse, os, sys, time

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument('--threads', type=int, default=2)
p.add_argument('--rounds', type=int, default=5)
p.add_argument('--only', default='lenet4,lenet64,resnet128')
p.add_argument('--profile', default=None, help='cProfile tinygrad_edu on this config instead of timing')
p.add_argument('--quick', action='store_true', help='2 rounds of fewer steps (make bench)')
args = p.parse_args()
if args.quick: args.rounds = 2
for v in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ[v] = str(args.threads)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))

import numpy as np
import tinygrad_edu as tg
import tinygrad_edu.nn as tg_nn
import tinygrad_edu.nn.functional as tg_F
import tinygrad_edu.optim as tg_optim
import torch
torch.set_num_threads(args.threads)

def models(nn, F, fw):
    "The two benchmark models, defined once for either framework (`nn`, `F`: its modules)."
    class Net(nn.Module):                    # seed 004's LeNet
        def __init__(self):
            super().__init__()
            self.conv1, self.pool, self.conv2 = nn.Conv2d(3, 6, 5), nn.MaxPool2d(2, 2), nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)
        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.view(-1, 400)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))
    def conv_bn(ci, co): return nn.Sequential(nn.Conv2d(ci, co, 3, padding=1, bias=False), nn.BatchNorm2d(co), nn.ReLU())
    class Residual(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.f = nn.Sequential(conv_bn(c, c), conv_bn(c, c))
        def forward(self, x): return x + self.f(x)
    class ResNet(nn.Module):                 # notebook 10a's half-width ResNet-9
        def __init__(self, w=(32, 64, 128, 256)):
            super().__init__()
            self.prep = conv_bn(3, w[0])
            self.layer1 = nn.Sequential(conv_bn(w[0], w[1]), nn.MaxPool2d(2), Residual(w[1]))
            self.layer2 = nn.Sequential(conv_bn(w[1], w[2]), nn.MaxPool2d(2))
            self.layer3 = nn.Sequential(conv_bn(w[2], w[3]), nn.MaxPool2d(2), Residual(w[3]))
            self.pool, self.fc = nn.AdaptiveMaxPool2d(1), nn.Linear(w[3], 10, bias=False)
        def forward(self, x):
            x = self.layer3(self.layer2(self.layer1(self.prep(x))))
            return self.fc(fw.flatten(self.pool(x), 1)) * 0.125
    return {'lenet': Net, 'resnet': ResNet}

CONFIGS = {'lenet4': ('lenet', 4, 200, 3.0), 'lenet64': ('lenet', 64, 40, 1.5), 'resnet128': ('resnet', 128, 2, 1.3)}

def setup(name, batch):
    "(step function, tinygrad_edu step function) on the same weights and batch."
    torch.manual_seed(0)
    tm = models(torch.nn, torch.nn.functional, torch)[name]()
    gm = models(tg_nn, tg_F, tg)[name]()
    gm.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    x = torch.randn(batch, 3, 32, 32); y = torch.randint(0, 10, (batch,))
    gx, gy = tg.tensor(x.numpy()), tg.tensor(y.numpy())
    kw = dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)
    topt, gopt = torch.optim.SGD(tm.parameters(), **kw), tg_optim.SGD(gm.parameters(), **kw)
    def tstep():
        topt.zero_grad(); loss = torch.nn.functional.cross_entropy(tm(x), y); loss.backward(); topt.step(); return loss
    def gstep():
        gopt.zero_grad(); loss = tg_F.cross_entropy(gm(gx), gy); loss.backward(); gopt.step(); return loss
    return tstep, gstep

def per_step(fn, n):
    t = time.perf_counter()
    for _ in range(n): fn()
    return (time.perf_counter() - t) / n

if args.profile:
    import cProfile, pstats
    name, batch, n, _ = CONFIGS[args.profile]
    _, gstep = setup(name, batch)
    for _ in range(2): gstep()
    cProfile.run('for _ in range(n): gstep()', '/tmp/train_step.prof')
    pstats.Stats('/tmp/train_step.prof').sort_stats('tottime').print_stats(20)
    sys.exit()

print(f"training step = zero_grad + forward + cross_entropy + backward + SGD(momentum, nesterov, weight decay)")
print(f"threads: {args.threads} (NumPy/OpenBLAS and torch.set_num_threads); torch {torch.__version__}, numpy {np.__version__}; "
      f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
rows = []
for cfg in args.only.split(','):
    name, batch, n, goal = CONFIGS[cfg]
    if args.quick: n = max(1, n // 4)
    tstep, gstep = setup(name, batch)
    for _ in range(3): tstep(); gstep()
    ts, gs = [], []
    for _ in range(args.rounds):
        ts.append(per_step(tstep, n)); gs.append(per_step(gstep, n))
    t, g = min(ts), min(gs)
    rows.append((cfg, batch, g, t, g / t, goal, np.median(gs), np.median(ts)))
    print(f"  {cfg}: tinygrad_edu {1e3 * g:.2f} ms, torch {1e3 * t:.2f} ms", flush=True)
print(f"\n| model, batch | tinygrad_edu ms/step | torch ms/step | ratio | goal |")
print(f"|---|---|---|---|---|")
for cfg, batch, g, t, r, goal, gm_, tm_ in rows:
    print(f"| {cfg[:-len(str(batch))]}, {batch} | {1e3 * g:.2f} ({1e3 * gm_:.2f}) | {1e3 * t:.2f} ({1e3 * tm_:.2f}) | "
          f"{r:.2f}x | <= {goal}x {'ok' if r <= goal else 'MISSED'} |")
print(f"(best of {args.rounds} rounds, median in brackets; load average after: {os.getloadavg()[0]:.2f})")
