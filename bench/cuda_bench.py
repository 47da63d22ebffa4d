"""tinygrad_edu on a CUDA GPU against PyTorch CUDA eager on the same GPU, in one run (NEVER RUN YET: no GPU was lent).

    python bench/cuda_bench.py [--out DIR] [--skip kernels,steps,cifar] [--data ../shared/data/cifar10-jpg.zip]
                               [--epochs 10] [--reps 50]

Follows the device method (.library/device/METHOD.md):
1. the two ceilings, measured once: device-to-device copy bandwidth (bytes read + written) and the
   float32 matrix-product rate of cuBLAS (CuPy's `matmul`, TF32 off as in PyTorch's default);
2. per-kernel table: each hand-written kernel of notebook 09a, its PyTorch eager equivalent, and its
   floor = max(bytes moved / bandwidth, FLOPs / matmul rate); inputs are random (never zeros), each
   output checked against PyTorch before timing; timed with CUDA events after a warm-up, median of
   `--reps`, rotating among several input sets when one set fits in L2;
3. training-step time: LeNet batch 64 and the ResNet recipe at batch 512, ours vs PyTorch eager;
4. CIFAR-10 with the data resident on the GPU and GPU-side augmentation (random crop with 4-pixel
   reflect padding + horizontal flip): best test accuracy and time to 90% for both frameworks.
The last lines printed are the tables; everything is also written to `--out` (results.json, log).
"""
import argparse, io, json, math, os, statistics, sys, time, zipfile
from pathlib import Path
import numpy as np

p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
p.add_argument('--out', default=os.environ.get('OUT', 'runs/cuda_bench'))
p.add_argument('--skip', default='', help='comma-separated parts to skip: kernels, steps, cifar')
p.add_argument('--data', default=str(Path(__file__).resolve().parent.parent.parent / 'shared' / 'data' / 'cifar10-jpg.zip'))
p.add_argument('--epochs', type=int, default=10)
p.add_argument('--reps', type=int, default=50)
args = p.parse_args()
skip = set(filter(None, args.skip.split(',')))
out = Path(args.out); out.mkdir(parents=True, exist_ok=True)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cupy as cp
import torch
import tinygrad_edu as tg
from tinygrad_edu import cuda, kernels as K

assert cuda.is_available() and torch.cuda.is_available(), 'needs a GPU visible to both CuPy and PyTorch'
torch.backends.cuda.matmul.allow_tf32 = False; torch.backends.cudnn.allow_tf32 = False   # float32 on both sides
results = {'device': cuda.get_device_name(0), 'capability': cuda.get_device_capability()}
LOG = open(out / 'log.txt', 'w')
def log(*a):
    s = ' '.join(str(x) for x in a); print(s, flush=True); LOG.write(s + '\n'); LOG.flush()

# ------------------------------------------------------------------------------------------ timing
def gpu_ms(f, reps=None, warmup=5):
    "Median milliseconds of `f()` between two CUDA events, after `warmup` calls (both CuPy and torch use the default stream)."
    reps = reps or args.reps
    for _ in range(warmup): f()
    cp.cuda.Device().synchronize(); torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        s, e = cp.cuda.Event(), cp.cuda.Event()
        s.record(); f(); e.record(); e.synchronize()
        ts.append(cp.cuda.get_elapsed_time(s, e))
    return statistics.median(ts), (min(ts), max(ts))

def rotating(make, nbytes, l2=None):
    "Enough independent input sets that cycling through them does not run out of L2 (at least 1)."
    l2 = l2 or cp.cuda.runtime.getDeviceProperties(0)['l2CacheSize']
    n = 1 if nbytes > 4 * l2 else max(2, math.ceil(4 * l2 / max(nbytes, 1)))
    sets = [make() for _ in range(min(n, 16))]
    state = {'i': 0}
    def next_set():
        state['i'] = (state['i'] + 1) % len(sets); return sets[state['i']]
    return next_set

def rel_err(a, ref):
    a = a.get() if hasattr(a, 'get') else a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    ref = ref.detach().cpu().double().numpy() if isinstance(ref, torch.Tensor) else np.asarray(ref)
    return float(np.linalg.norm(a.astype(np.float64) - ref) / max(np.linalg.norm(ref), 1e-300))

def T(a): return torch.as_tensor(a, device='cuda')     # zero-copy CuPy -> torch (DLPack / __cuda_array_interface__)

# ------------------------------------------------------------------------------------------ ceilings
def ceilings():
    n = 256 * 2**20                                    # 1 GiB of float32 read + 1 GiB written
    a, b = cp.random.rand(n, dtype=cp.float32), cp.empty(n, cp.float32)
    ms, _ = gpu_ms(lambda: cp.copyto(b, a), reps=20)
    bw = 2 * 4 * n / ms / 1e6                          # GB/s
    m = 8192
    A, B = cp.random.randn(m, m, dtype=cp.float32), cp.random.randn(m, m, dtype=cp.float32)
    ms2, _ = gpu_ms(lambda: cp.matmul(A, B), reps=10)
    rate = 2 * m**3 / ms2 / 1e9                        # GFLOP/s
    tA, tB = T(A), T(B)
    ms3, _ = gpu_ms(lambda: tA @ tB, reps=10)
    del a, b, A, B, tA, tB
    return {'bandwidth_GBps': bw, 'matmul_fp32_GFLOPs_cupy': rate, 'matmul_fp32_GFLOPs_torch': 2 * m**3 / ms3 / 1e9}

# ------------------------------------------------------------------------------------------ kernels
def kernel_cases():
    "(name, make_inputs, ours(inp), torch(inp), check(inp) -> rel err, bytes, flops)."
    f32 = np.float32
    def rn(*s, scale=1.0, shift=0.0): return (cp.random.randn(*s, dtype=cp.float32) * scale + shift)
    cases = []
    N, C, H = 256, 64, 32
    n = N * C * H * H
    def mk_br(): return rn(N, C, H, H), rn(C)
    cases.append(('bias_relu fwd', mk_br, lambda i: K.bias_relu(*i), lambda i: torch.relu(T(i[0]) + T(i[1])[:, None, None]),
                  lambda i: rel_err(K.bias_relu(*i), torch.relu(T(i[0]).double() + T(i[1]).double()[:, None, None])), 8 * n, 2 * n))
    def mk_rb(): return rn(N, C, H, H), rn(N, C, H, H)
    cases.append(('relu bwd', mk_rb, lambda i: K.relu_backward(*i), lambda i: torch.where(T(i[1]) > 0, T(i[0]), 0.),
                  lambda i: rel_err(K.relu_backward(*i), T(i[0]).double() * (T(i[1]) > 0)), 12 * n, n))
    P = 16 * 2**20
    def mk_sgd(): return rn(P), rn(P), rn(P)
    def torch_sgd(fused):
        def f(i):
            if 'sgd' + str(fused) not in i[-1]:
                tp = torch.nn.Parameter(T(i[0]).clone()); opt = torch.optim.SGD([tp], lr=0.01, momentum=0.9, **({'fused': True} if fused else {'foreach': True}))
                tp.grad = T(i[1]).clone(); opt.step(); i[-1]['sgd' + str(fused)] = opt
            i[-1]['sgd' + str(fused)].step()
        return f
    def check_sgd(i):
        p, buf = i[0].copy(), i[2].copy()
        K.sgd_momentum_(p, i[1], buf, 0.01, 0.9)
        ref = T(i[0]).double() - 0.01 * (0.9 * T(i[2]).double() + T(i[1]).double())
        return rel_err(p, ref)
    mk_sgd2 = lambda: (*mk_sgd(), {})
    cases.append(('SGD momentum step', mk_sgd2, lambda i: K.sgd_momentum_(i[0], i[1], i[2], 0.01, 0.9), torch_sgd(True),
                  check_sgd, 20 * P, 5 * P))
    def mk_adam(): return rn(P), rn(P), rn(P, scale=0.1), cp.abs(rn(P, scale=0.1)), {}
    def torch_adam(i):
        if 'opt' not in i[-1]:
            tp = torch.nn.Parameter(T(i[0]).clone()); opt = torch.optim.Adam([tp], lr=1e-3, fused=True)
            tp.grad = T(i[1]).clone(); opt.step(); i[-1]['opt'] = opt
        i[-1]['opt'].step()
    def check_adam(i):
        p, m, v = i[0].copy(), i[2].copy(), i[3].copy()
        K.adam_(p, i[1], m, v, 3)
        tp, g, tm, tv = (T(a).double() for a in (i[0], i[1], i[2], i[3]))
        tm = 0.9 * tm + 0.1 * g; tv = 0.999 * tv + 0.001 * g * g
        ref = tp - (1e-3 / (1 - 0.9**3)) * tm / (tv.sqrt() / math.sqrt(1 - 0.999**3) + 1e-8)
        return rel_err(p, ref)
    cases.append(('Adam step', mk_adam, lambda i: K.adam_(i[0], i[1], i[2], i[3], 3), torch_adam, check_adam, 28 * P, 12 * P))
    for shape, d in (((64, 1024, 1024), 1), ((65536, 1024), 1), ((1024, 65536), 0)):
        m = math.prod(shape)
        mk = (lambda s=shape: (rn(*s),))
        cases.append((f'sum_dim {shape} dim {d}', mk, lambda i, d=d: K.sum_dim(i[0], d), lambda i, d=d: T(i[0]).sum(d),
                      lambda i, d=d: rel_err(K.sum_dim(i[0], d), T(i[0]).double().sum(d)), 4 * m, m))
        cases.append((f'reduce_sum {shape} dim {d}', mk, lambda i, d=d: K.reduce_sum(i[0], d), lambda i, d=d: T(i[0]).sum(d),
                      lambda i, d=d: rel_err(K.reduce_sum(i[0], d), T(i[0]).double().sum(d)), 4 * m, m))
    Nr, Cc = 8192, 1000
    def mk_ce(): return rn(Nr, Cc, scale=3), cp.random.randint(0, Cc, Nr).astype(cp.int64)
    F = torch.nn.functional
    cases.append(('softmax-CE fwd', mk_ce, lambda i: K.softmax_cross_entropy(*i), lambda i: F.cross_entropy(T(i[0]), T(i[1])),
                  lambda i: rel_err(float(K.softmax_cross_entropy(*i)[0]), F.cross_entropy(T(i[0]).double(), T(i[1])).item()),
                  4 * Nr * Cc, 3 * Nr * Cc))
    def mk_ceb():
        x, t = mk_ce(); _, lse, c = K.softmax_cross_entropy(x, t); return [x, t, lse, c]
    def torch_ceb(i):
        if len(i) == 4: i.append(T(i[0]).clone().requires_grad_())
        torch.autograd.grad(F.cross_entropy(i[4], T(i[1])), i[4])
    def check_ceb(i):
        tx = T(i[0]).double().requires_grad_(); g, = torch.autograd.grad(F.cross_entropy(tx, T(i[1])), tx)
        return rel_err(K.softmax_cross_entropy_backward(1.0, i[0], i[1], i[2], i[3]), g)
    cases.append(('softmax-CE bwd (torch: fwd+bwd)', mk_ceb, lambda i: K.softmax_cross_entropy_backward(1.0, *i[:4]), torch_ceb, check_ceb,
                  8 * Nr * Cc, 3 * Nr * Cc))
    Nb, Ci, Hc, Co = 128, 64, 32, 64
    def mk_conv(): return rn(Nb, Ci, Hc, Hc), rn(Co, Ci, 3, 3, scale=0.1)
    cols = Nb * Ci * 9 * Hc * Hc
    cases.append(('im2col 3x3 pad 1', mk_conv, lambda i: K.im2col(i[0], 3, 3, 1, 1), lambda i: F.unfold(T(i[0]), 3, padding=1),
                  lambda i: rel_err(K.im2col(i[0], 3, 3, 1, 1), F.unfold(T(i[0]).double(), 3, padding=1)), 4 * (Nb * Ci * Hc * Hc + cols), 0))
    def mk_c2i(): return (rn(Nb, Ci * 9, Hc * Hc),)
    cases.append(('col2im 3x3 pad 1', mk_c2i, lambda i: K.col2im(i[0], (Nb, Ci, Hc, Hc), 3, 3, 1, 1),
                  lambda i: F.fold(T(i[0]), (Hc, Hc), 3, padding=1),
                  lambda i: rel_err(K.col2im(i[0], (Nb, Ci, Hc, Hc), 3, 3, 1, 1), F.fold(T(i[0]).double(), (Hc, Hc), 3, padding=1)),
                  4 * (Nb * Ci * Hc * Hc + cols), cols))
    conv_flops = 2 * Nb * Co * Hc * Hc * Ci * 9
    cases.append(('conv2d fwd (im2col+cuBLAS) vs cuDNN', mk_conv, lambda i: K.conv2d(i[0], i[1], padding=1), lambda i: F.conv2d(T(i[0]), T(i[1]), padding=1),
                  lambda i: rel_err(K.conv2d(i[0], i[1], padding=1), F.conv2d(T(i[0]).double(), T(i[1]).double(), padding=1)),
                  4 * (Nb * Ci * Hc * Hc + Co * Ci * 9 + Nb * Co * Hc * Hc), conv_flops))
    def mk_pool(): return (rn(Nb, Ci, Hc, Hc),)
    np_ = Nb * Ci * Hc * Hc
    cases.append(('max_pool2d 2x2 fwd+argmax', mk_pool, lambda i: K.max_pool2d_with_indices(i[0], 2), lambda i: F.max_pool2d(T(i[0]), 2, return_indices=True),
                  lambda i: rel_err(K.max_pool2d_with_indices(i[0], 2)[0], F.max_pool2d(T(i[0]).double(), 2)), 4 * np_ + 12 * np_ // 4, np_))
    def mk_poolb():
        x = rn(Nb, Ci, Hc, Hc); y, ind = K.max_pool2d_with_indices(x, 2); return rn(*y.shape), ind
    cases.append(('max_pool2d 2x2 bwd', mk_poolb, lambda i: K.max_pool2d_backward(i[0], i[1], (Nb, Ci, Hc, Hc)),
                  lambda i: torch.ops.aten.max_pool2d_with_indices_backward(T(i[0]), torch.empty(Nb, Ci, Hc, Hc, device='cuda'), [2, 2], [2, 2], [0, 0], [1, 1], False, T(i[1])),
                  lambda i: 0.0, 4 * np_ + 12 * np_ // 4, np_ // 4))
    def mk_bn(): return rn(Nb, Ci, Hc, Hc, scale=3, shift=5), rn(Ci), rn(Ci)
    cases.append(('batch_norm train fwd', mk_bn, lambda i: K.batch_norm_train(*i), lambda i: F.batch_norm(T(i[0]), None, None, T(i[1]), T(i[2]), training=True),
                  lambda i: rel_err(K.batch_norm_train(*i)[0], F.batch_norm(T(i[0]).double(), None, None, T(i[1]).double(), T(i[2]).double(), training=True)),
                  4 * 3 * np_, 8 * np_))
    def mk_bnb():
        x, w, b = mk_bn(); _, mean, var, invstd = K.batch_norm_train(x, w, b); return rn(*x.shape), x, w, mean, invstd
    cases.append(('batch_norm train bwd', mk_bnb, lambda i: K.batch_norm_backward(*i),
                  lambda i: torch.ops.aten.native_batch_norm_backward(T(i[0]), T(i[1]), T(i[2]), None, None, T(i[3]), T(i[4]), True, 1e-5, [True, True, True]),
                  lambda i: 0.0, 4 * 5 * np_, 12 * np_))
    for m in (1024, 4096):
        def mk_mm(m=m): return rn(m, m), rn(m, m)
        for kind in ('naive', 'tiled'):
            cases.append((f'GEMM {kind} {m}^3 vs cuBLAS (torch)', mk_mm, lambda i, k=kind: K.gemm(i[0], i[1], k), lambda i: T(i[0]) @ T(i[1]),
                          lambda i, k=kind: rel_err(K.gemm(i[0], i[1], k), T(i[0]).double() @ T(i[1]).double()), 12 * m * m, 2 * m**3))
    return cases

def bench_kernels(ceil):
    rows = []
    bw, rate = ceil['bandwidth_GBps'] * 1e6, ceil['matmul_fp32_GFLOPs_cupy'] * 1e6     # bytes/ms, flop/ms
    for name, make, ours, ref, check, nbytes, flops in kernel_cases():
        first = make()
        err = check(first)
        nxt = rotating(make, nbytes)
        ms, spread = gpu_ms(lambda: ours(nxt()))
        tms, tspread = gpu_ms(lambda: ref(nxt()))
        floor = max(nbytes / bw, flops / rate)
        rows.append(dict(kernel=name, ours_ms=ms, torch_ms=tms, floor_ms=floor, rel_err=err, spread=spread, torch_spread=tspread,
                         bytes=nbytes, flops=flops, bound='bytes' if nbytes / bw >= flops / rate else 'flops'))
        log(f'{name:42s} ours {ms:8.3f} ms  torch {tms:8.3f} ms  floor {floor:8.3f} ms  err {err:.1e}')
        cp.get_default_memory_pool().free_all_blocks(); torch.cuda.empty_cache()
    return rows

# ------------------------------------------------------------------------------------------ training steps
def torch_models():
    nn = torch.nn
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.pool, self.conv2 = nn.Conv2d(3, 6, 5), nn.MaxPool2d(2, 2), nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)
        def forward(self, x):
            F = torch.nn.functional
            x = self.pool(F.relu(self.conv1(x))); x = self.pool(F.relu(self.conv2(x)))
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x.view(-1, 400))))))
    def cbr(ci, co): return nn.Sequential(nn.Conv2d(ci, co, 3, padding=1, bias=False), nn.BatchNorm2d(co), nn.ReLU())
    class Residual(nn.Module):
        def __init__(self, c): super().__init__(); self.f = nn.Sequential(cbr(c, c), cbr(c, c))
        def forward(self, x): return x + self.f(x)
    class ResNet(nn.Module):     # the recipe's ResNet (tinygrad_edu.recipe.ResNet), widths 16-32-64-128
        def __init__(self, w=(16, 32, 64, 128)):
            super().__init__()
            self.prep = cbr(3, w[0])
            self.layer1 = nn.Sequential(cbr(w[0], w[1]), nn.MaxPool2d(2), Residual(w[1]))
            self.layer2 = nn.Sequential(cbr(w[1], w[2]), nn.MaxPool2d(2))
            self.layer3 = nn.Sequential(cbr(w[2], w[3]), nn.MaxPool2d(2), Residual(w[3]))
            self.pool, self.fc, self.scale = nn.MaxPool2d(4), nn.Linear(w[3], 10, bias=False), 0.125
        def forward(self, x): return self.fc(self.pool(self.layer3(self.layer2(self.layer1(self.prep(x))))).flatten(1)) * self.scale
    return {'lenet': Net, 'resnet': ResNet}

def our_models():
    from tinygrad_edu.train import Net
    from tinygrad_edu.recipe import ResNet
    return {'lenet': Net, 'resnet': ResNet}

def make_step(lib, model, x, y):
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)
    loss_fn = lib.nn.CrossEntropyLoss()
    def step():
        opt.zero_grad(); loss = loss_fn(model(x), y); loss.backward(); opt.step()
        return loss
    return step

def bench_steps():
    rows = []
    for name, batch in (('lenet', 64), ('resnet', 512)):
        x = np.random.default_rng(0).standard_normal((batch, 3, 32, 32)).astype(np.float32)
        y = np.random.default_rng(1).integers(0, 10, batch)
        tm = torch_models()[name]().cuda()
        t_step = make_step(torch, tm, torch.tensor(x, device='cuda'), torch.tensor(y, device='cuda'))
        om = our_models()[name]().to('cuda')
        o_step = make_step(tg, om, tg.tensor(x, device='cuda'), tg.tensor(y, device='cuda'))
        o_ms, o_sp = gpu_ms(o_step, reps=30, warmup=5)
        t_ms, t_sp = gpu_ms(t_step, reps=30, warmup=5)
        # host-clock check too: eager frameworks can be CPU-bound; events then measure the GPU's idle gaps as well
        t0 = time.perf_counter(); [o_step() for _ in range(10)]; cuda.synchronize(); o_wall = (time.perf_counter() - t0) * 100
        rows.append(dict(model=name, batch=batch, ours_ms=o_ms, torch_ms=t_ms, ratio=o_ms / t_ms, ours_wall_ms=o_wall, spread=o_sp))
        log(f'step {name} b{batch}: ours {o_ms:.2f} ms  torch {t_ms:.2f} ms  ratio {o_ms / t_ms:.2f}  (ours host clock {o_wall:.2f} ms)')
    return rows

# ------------------------------------------------------------------------------------------ CIFAR-10 on the GPU
CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']

def load_cifar(path):
    "Decode the zip's JPEGs once into uint8 arrays (N, 32, 32, 3) and labels; cached next to --out."
    cache = out / 'cifar10.npz'
    if cache.exists():
        d = np.load(cache); return d['xtr'], d['ytr'], d['xte'], d['yte']
    from PIL import Image
    data = {'train': ([], []), 'test': ([], [])}
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            parts = n.split('/')
            if len(parts) != 3 or not parts[2].endswith(('.jpg', '.png')): continue
            split, cls = parts[0], parts[1]
            if split not in data or cls not in CLASSES: continue
            data[split][0].append(np.asarray(Image.open(io.BytesIO(z.read(n))).convert('RGB')))
            data[split][1].append(CLASSES.index(cls))
    xtr, ytr = np.stack(data['train'][0]), np.array(data['train'][1])
    xte, yte = np.stack(data['test'][0]), np.array(data['test'][1])
    np.savez(cache, xtr=xtr, ytr=ytr, xte=xte, yte=yte)
    return xtr, ytr, xte, yte

MEAN, STD = np.array([0.4914, 0.4822, 0.4465], np.float32), np.array([0.2470, 0.2435, 0.2616], np.float32)

def gpu_augment(xp, x, rng_crop, rng_flip):
    "Random 32x32 crop of the 4-pixel reflect-padded batch and a random horizontal flip, on the GPU: x (B, 3, 32, 32)."
    B = x.shape[0]
    padded = xp.pad(x, ((0, 0), (0, 0), (4, 4), (4, 4)), mode='reflect')
    dy, dx = rng_crop
    rows = (xp.arange(32)[None, :] + dy[:, None])                  # (B, 32)
    cols = (xp.arange(32)[None, :] + dx[:, None])
    cols = xp.where(rng_flip[:, None], cols[:, ::-1], cols)
    b = xp.arange(B)[:, None, None, None]; c = xp.arange(3)[None, :, None, None]
    return padded[b, c, rows[:, None, :, None], cols[:, None, None, :]]

def _label_smoothing():
    "0.1 as in the recipe if tinygrad_edu's cross_entropy supports it, else 0 for both frameworks."
    try:
        tg.nn.functional.cross_entropy(tg.randn(2, 3), tg.tensor([0, 1]), label_smoothing=0.1); return 0.1
    except Exception: return 0.0
LABEL_SMOOTHING = _label_smoothing()

def run_cifar(lib, xtr, ytr, xte, yte, epochs, batch=512, lr=0.4, seed=0):
    "The recipe on device-resident data; returns per-epoch (seconds since start, test accuracy)."
    is_torch = lib is torch
    dev = 'cuda'
    lib.manual_seed(seed)
    model = (torch_models()['resnet'] if is_torch else our_models()['resnet'])().to(dev)
    opt = lib.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    steps = epochs * math.ceil(len(xtr) / batch)
    sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    loss_fn = lib.nn.CrossEntropyLoss(label_smoothing=LABEL_SMOOTHING)
    norm = lambda a: ((a.astype(cp.float32) / 255 - cp.asarray(MEAN)) / cp.asarray(STD)).transpose(0, 3, 1, 2).copy()
    Xtr, Ytr, Xte, Yte = norm(cp.asarray(xtr)), cp.asarray(ytr, cp.int64), norm(cp.asarray(xte)), cp.asarray(yte, cp.int64)
    wrap = (lambda a: torch.as_tensor(a, device='cuda')) if is_torch else (lambda a: tg.Tensor._wrap(a))
    rs = cp.random.RandomState(seed)
    hist, t0 = [], time.perf_counter()
    for ep in range(epochs):
        model.train()
        perm = rs.permutation(len(Xtr))
        for k in range(0, len(Xtr) - batch + 1, batch):          # drop the last partial batch
            idx = perm[k:k + batch]
            xb = gpu_augment(cp, Xtr[idx], (rs.randint(0, 9, batch), rs.randint(0, 9, batch)), rs.rand(batch) < 0.5)
            opt.zero_grad(); loss = loss_fn(model(wrap(cp.ascontiguousarray(xb))), wrap(Ytr[idx])); loss.backward(); opt.step(); sched.step()
        model.eval(); correct = 0
        with lib.no_grad():
            for k in range(0, len(Xte), 1000):
                pred = model(wrap(Xte[k:k + 1000])).argmax(1)
                correct += int((pred == wrap(Yte[k:k + 1000])).sum().item())
        cuda.synchronize()
        hist.append((time.perf_counter() - t0, correct / len(Xte)))
        log(f'{"torch" if is_torch else "ours "} epoch {ep + 1}: {hist[-1][1]:.4f} at {hist[-1][0]:.1f} s')
    return hist

def bench_cifar():
    xtr, ytr, xte, yte = load_cifar(args.data)
    res = {}
    for name, lib in (('torch', torch), ('ours', tg)):
        h = run_cifar(lib, xtr, ytr, xte, yte, args.epochs)
        t90 = next((t for t, a in h if a >= 0.90), None)
        res[name] = dict(history=h, best=max(a for _, a in h), time_to_90=t90)
    return res

# ------------------------------------------------------------------------------------------ main
results['ceilings'] = ceil = ceilings()
log(f"device {results['device']}  bandwidth {ceil['bandwidth_GBps']:.0f} GB/s  fp32 matmul {ceil['matmul_fp32_GFLOPs_cupy'] / 1e3:.1f} TFLOP/s (cupy), "
    f"{ceil['matmul_fp32_GFLOPs_torch'] / 1e3:.1f} (torch)")
if 'kernels' not in skip: results['kernels'] = bench_kernels(ceil)
if 'steps' not in skip: results['steps'] = bench_steps()
if 'cifar' not in skip and Path(args.data).exists(): results['cifar'] = bench_cifar()
(out / 'results.json').write_text(json.dumps(results, indent=1, default=str))

log('\n| kernel | ours ms | torch ms | floor ms | ours/floor | ours/torch | bound | rel err |\n|---|---|---|---|---|---|---|---|')
for r in results.get('kernels', []):
    log(f"| {r['kernel']} | {r['ours_ms']:.3f} | {r['torch_ms']:.3f} | {r['floor_ms']:.3f} | {r['ours_ms'] / r['floor_ms']:.1f} | "
        f"{r['ours_ms'] / r['torch_ms']:.2f} | {r['bound']} | {r['rel_err']:.1e} |")
log('\n| model | batch | ours ms/step | torch ms/step | ratio |\n|---|---|---|---|---|')
for r in results.get('steps', []): log(f"| {r['model']} | {r['batch']} | {r['ours_ms']:.2f} | {r['torch_ms']:.2f} | {r['ratio']:.2f} |")
for name, r in results.get('cifar', {}).items():
    log(f"CIFAR-10 {name}: best test acc {r['best']:.4f}, time to 90% {r['time_to_90'] and round(r['time_to_90'], 1)} s")
