"""Forward+backward time of the ops (conv2d, pools, batch_norm, cross_entropy, matmul, a 3-layer MLP, LeNet) vs PyTorch CPU.

    python bench/nn_ops.py [--threads 2] [--runs 7] [--only conv] [--profile NAME]

Both libraries use the same number of threads (BLAS threads for NumPy, `torch.set_num_threads` for
PyTorch). Each case runs forward + backward `runs` times after a warm-up; the table shows medians and
the ratio ours / torch (lower is better).
"""
import argparse, os, sys, time

def _args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--runs', type=int, default=7)
    p.add_argument('--only', default='', help='run only cases whose name contains this')
    p.add_argument('--cpu-time', action='store_true', help='measure process CPU time instead of wall time (steadier on a busy machine; use with --threads 1)')
    p.add_argument('--profile', default='', help='cProfile the (first) case whose name contains this, print the top entries')
    return p.parse_args()

args = _args()
for var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ[var] = str(args.threads)
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..'))

import numpy as np
import torch, torch.nn.functional as TF
from tinygrad_edu.tensor import tensor
from tinygrad_edu import conv as C, losses as L
torch.set_num_threads(args.threads)

def cases():
    "name, inputs (shapes or arrays), our function, torch function."
    rs = np.random.RandomState(0)
    f32 = lambda *s: rs.randn(*s).astype(np.float32)
    conv = lambda n, c, hw, o, k, s=1, p=0: (f'conv2d {n}x{c}x{hw}x{hw} -> {o} k{k} s{s} p{p}', [f32(n, c, hw, hw), f32(o, c, k, k) * .1, f32(o)],
                                            lambda x, w, b: C.conv2d(x, w, b, s, p), lambda x, w, b: TF.conv2d(x, w, b, s, p))
    yield conv(64, 3, 32, 6, 5)                      # LeNet
    yield conv(64, 6, 14, 16, 5)
    yield conv(128, 64, 32, 64, 3, 1, 1)             # small ResNet
    yield conv(128, 64, 32, 128, 3, 2, 1)
    yield conv(128, 128, 16, 128, 3, 1, 1)
    yield conv(128, 256, 8, 256, 3, 1, 1)
    yield conv(128, 64, 32, 128, 1, 2, 0)            # 1x1 shortcut
    yield ('max_pool2d 64x6x28x28 k2', [f32(64, 6, 28, 28)], lambda x: C.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2))
    yield ('max_pool2d 128x64x32x32 k2', [f32(128, 64, 32, 32)], lambda x: C.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2))
    yield ('avg_pool2d 128x64x32x32 k2', [f32(128, 64, 32, 32)], lambda x: C.avg_pool2d(x, 2), lambda x: TF.avg_pool2d(x, 2))
    for shape in ((128, 64, 32, 32), (128, 256, 8, 8)):
        rm, rv = np.zeros(shape[1], np.float32), np.ones(shape[1], np.float32)
        yield (f'batch_norm train {"x".join(map(str, shape))}', [f32(*shape), f32(shape[1]), f32(shape[1])],
               lambda x, w, b: C.batch_norm(x, tensor(rm), tensor(rv), w, b, True),
               lambda x, w, b: TF.batch_norm(x, torch.tensor(rm), torch.tensor(rv), w, b, True))
    yield ('relu 128x64x32x32', [f32(128, 64, 32, 32)], L.relu, TF.relu)
    t = rs.randint(0, 10, 128)
    yield ('cross_entropy 128x10', [f32(128, 10)], lambda x: L.cross_entropy(x, tensor(t)), lambda x: TF.cross_entropy(x, torch.tensor(t)))
    yield ('linear 64x400 -> 120', [f32(64, 400), f32(120, 400), f32(120)], C.linear, TF.linear)
    yield ('matmul 256x512 @ 512x256', [f32(256, 512), f32(512, 256)], lambda a, b: a @ b, lambda a, b: a @ b)
    yield ('bmm 32x64x128 @ 32x128x64', [f32(32, 64, 128), f32(32, 128, 64)], lambda a, b: a.bmm(b), lambda a, b: a.bmm(b))
    yield ('add+mul broadcast 256x1024 * 1024', [f32(256, 1024), f32(1024)], lambda a, b: (a + b) * b, lambda a, b: (a + b) * b)
    yield ('softmax 256x1000 dim=1', [f32(256, 1000)], lambda x: L.softmax(x, 1), lambda x: TF.softmax(x, 1))
    t = rs.randint(0, 10, 128)
    mlp = [f32(256, 784) * .05, f32(256) * .1, f32(128, 256) * .05, f32(128) * .1, f32(10, 128) * .1, f32(10) * .1]
    yield ('MLP 784-256-128-10 fwd+bwd batch 128', [f32(128, 784)] + mlp,
           lambda *a, t=t: _mlp(C, L, tensor, t, *a), lambda *a, t=t: _mlp(TF, TF, torch.tensor, t, *a))
    for n in (4, 64):   # the seed's LeNet (forward + backward of the loss, no optimizer step)
        params = [f32(6, 3, 5, 5) * .1, f32(6) * .1, f32(16, 6, 5, 5) * .1, f32(16) * .1, f32(120, 400) * .05, f32(120) * .1,
                  f32(84, 120) * .1, f32(84) * .1, f32(10, 84) * .1, f32(10) * .1]
        t = rs.randint(0, 10, n)
        yield (f'LeNet forward+backward batch {n}', [f32(n, 3, 32, 32)] + params,
               lambda *a, t=t: _lenet(C, L, tensor, t, *a), lambda *a, t=t: _lenet(TF, TF, torch.tensor, t, *a))

def _mlp(F, A, mk, target, x, w1, b1, w2, b2, w3, b3):
    x = A.relu(F.linear(x, w1, b1))
    x = A.relu(F.linear(x, w2, b2))
    return A.cross_entropy(F.linear(x, w3, b3), mk(target))

def _lenet(F, A, mk, target, x, w1, b1, w2, b2, w3, b3, w4, b4, w5, b5):
    x = F.max_pool2d(A.relu(F.conv2d(x, w1, b1)), 2)
    x = F.max_pool2d(A.relu(F.conv2d(x, w2, b2)), 2)
    x = x.reshape(x.shape[0], 400)
    x = A.relu(F.linear(x, w3, b3))
    x = A.relu(F.linear(x, w4, b4))
    return A.cross_entropy(F.linear(x, w5, b5), mk(target))

def run(fn, arrays, make, runs):
    xs = [make(a) for a in arrays]
    def step():
        for x in xs: x.grad = None
        y = fn(*xs)
        y.backward(make(np.ones(y.shape, np.float32)) if y.ndim else None)
    step()
    clock = time.process_time if args.cpu_time else time.perf_counter
    times = []
    for _ in range(runs):
        t0 = clock(); step(); times.append(clock() - t0)
    return float(np.median(times))

def main():
    ours_make = lambda a: tensor(a, requires_grad=True)
    torch_make = lambda a: torch.tensor(a, requires_grad=True)
    rows = []
    print(f"threads={args.threads} runs={args.runs} (median {'CPU' if args.cpu_time else 'wall'} time of forward+backward, ms)")
    print(f"{'case':45s} {'ours':>9s} {'torch':>9s} {'ratio':>6s}")
    for name, arrays, ours, theirs in cases():
        if args.only not in name: continue
        if args.profile and args.profile in name:
            import cProfile, pstats
            xs = [ours_make(a) for a in arrays]
            pr = cProfile.Profile(); pr.enable()
            for _ in range(3):
                y = ours(*xs); y.backward(ours_make(np.ones(y.shape, np.float32)) if y.ndim else None)
            pr.disable(); pstats.Stats(pr).sort_stats('tottime').print_stats(12)
            args.profile = ''
        a, b = run(ours, arrays, ours_make, args.runs), run(theirs, arrays, torch_make, args.runs)
        rows.append((name, a, b))
        print(f"{name:45s} {a * 1e3:9.2f} {b * 1e3:9.2f} {a / b:6.2f}", flush=True)
    return rows

if __name__ == '__main__': main()
