"""The GPU path against PyTorch.

Without a GPU: `tinygrad_edu.cuda` answers like a CPU-only PyTorch build (False, 0, PyTorch's
AssertionError/RuntimeError), asking for a cuda tensor raises PyTorch's AssertionError, and nothing
imports CuPy. With a GPU (CuPy sees one): the ops, modules and hand-written kernels on `cuda`
against PyTorch on the CPU in float64 (the local torch is CPU-only), random inputs, float32 bounds.
"""
import math, subprocess, sys
import numpy as np
import pytest
import torch

import tinygrad_edu as tg
from tinygrad_edu import cuda, kernels
from tinygrad_edu import random as tg_random
from tinygrad_edu.backend import cupy_or_none, _has_cupy_package

GPU = cuda.is_available()
needs_gpu = pytest.mark.skipif(not GPU, reason='no CUDA GPU visible to CuPy: GPU oracle tests not run')
no_gpu = pytest.mark.skipif(GPU, reason='a GPU is present: the no-GPU behaviour is not observable')

def raises_like(f_ours, f_torch):
    "Both raise, with the same exception type; returns (ours, torch's) exceptions."
    with pytest.raises(Exception) as theirs: f_torch()
    with pytest.raises(theirs.type) as ours: f_ours()
    return ours.value, theirs.value

# ---------------------------------------------------------------- no GPU: runs everywhere
@no_gpu
@pytest.mark.parametrize('name', ['is_available', 'device_count', 'memory_allocated', 'max_memory_allocated',
                                  'memory_reserved', 'empty_cache', 'is_initialized'])
def test_api_answers_without_gpu(name):
    assert getattr(cuda, name)() == getattr(torch.cuda, name)()

@no_gpu
@pytest.mark.parametrize('name', ['manual_seed', 'manual_seed_all'])
def test_seeding_is_a_noop_without_gpu(name):
    assert getattr(cuda, name)(3) is None and getattr(torch.cuda, name)(3) is None

@no_gpu
@pytest.mark.parametrize('call', [lambda m: m.current_device(), lambda m: m.get_device_name(0), lambda m: m.synchronize(),
                                  lambda m: m.get_device_properties(0), lambda m: m.get_device_capability()])
def test_api_raises_like_cpu_torch(call):
    ours, theirs = raises_like(lambda: call(cuda), lambda: call(torch.cuda))
    assert isinstance(ours, AssertionError) and 'CUDA' in str(ours)

@no_gpu
def test_event_without_gpu():
    ours, theirs = raises_like(lambda: cuda.Event(enable_timing=True), lambda: torch.cuda.Event(enable_timing=True))
    assert str(ours) == str(theirs)

@no_gpu
@pytest.mark.parametrize('make', [lambda m: m.zeros(2).to('cuda'), lambda m: m.zeros(2).cuda(), lambda m: m.zeros(2, device='cuda'),
                                  lambda m: m.randn(2, device='cuda:0'), lambda m: m.ones_like(m.zeros(2), device='cuda'),
                                  lambda m: m.tensor([1., 2.], device='cuda')])
def test_cuda_tensor_without_gpu_raises(make):
    ours, theirs = raises_like(lambda: make(tg), lambda: make(torch))
    assert isinstance(ours, AssertionError)
    if not _has_cupy_package(): assert str(ours) == str(theirs) == 'Torch not compiled with CUDA enabled'
    else: assert 'CUDA' in str(ours)   # CuPy installed, no GPU: our message says so

@no_gpu
def test_kernel_launch_without_gpu_raises():
    with pytest.raises(AssertionError, match='CUDA'): kernels.bias_relu(np.ones((2, 3), np.float32), np.ones(3, np.float32))

def test_import_does_not_import_cupy():
    code = "import sys, tinygrad_edu, tinygrad_edu.cuda, tinygrad_edu.kernels; assert 'cupy' not in sys.modules, 'cupy imported'"
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

def test_dispatch_table_is_cpu_transparent():
    assert kernels.cuda_kernel('im2col', np.zeros(3)) is None
    assert set(kernels.cuda_kernels) >= {'bias_relu', 'sgd_momentum_', 'adam_', 'softmax_cross_entropy', 'im2col', 'col2im',
                                         'max_pool2d_with_indices', 'batch_norm_train', 'matmul'}

def test_random_seed_hook_registered():
    hooks = getattr(tg_random, '_seed_hooks', None)
    if hooks is None: pytest.skip('tinygrad_edu.random has no _seed_hooks yet: torch.manual_seed does not seed the GPU')
    assert any(h is cuda.manual_seed_all for h in hooks)

# ---------------------------------------------------------------- GPU: oracle tests
def rel_err(ours, ref):
    "‖ours − ref‖ / ‖ref‖ in float64 (ours may be a CuPy array or a tinygrad_edu tensor)."
    if isinstance(ours, tg.Tensor): ours = ours.numpy(force=True)
    if hasattr(ours, 'get'): ours = ours.get()
    ref = ref.detach().numpy() if isinstance(ref, torch.Tensor) else np.asarray(ref)
    ours = np.asarray(ours, np.float64)
    assert ours.shape == ref.shape and not np.isnan(ours).any()
    return np.linalg.norm(ours - ref) / max(np.linalg.norm(ref), 1e-300)

TOL = 1e-5       # float32 elementwise and short reductions; matrix products and long sums get 1e-4

@pytest.fixture
def r():
    return np.random.default_rng()   # fresh inputs every run, as the method asks

def pair(a, requires_grad=False):
    "The same float32 values as a tinygrad_edu cuda tensor and a float64 torch CPU tensor."
    a = np.asarray(a, np.float32)
    return (tg.tensor(a, device='cuda', requires_grad=requires_grad),
            torch.tensor(a.astype(np.float64), requires_grad=requires_grad))

@needs_gpu
def test_device_plumbing(r):
    x = tg.randn(3, 4, device='cuda')
    assert str(x.device) == 'cuda:0' and x.is_cuda
    for like in (tg.zeros_like, tg.ones_like, tg.empty_like, tg.rand_like, tg.randn_like):
        assert like(x).device == x.device
    assert x.new_zeros(2).device == x.device
    a = r.standard_normal((5, 6)).astype(np.float32)
    assert np.array_equal(tg.tensor(a).cuda().cpu().numpy(), a)
    assert np.array_equal(tg.tensor(a).to('cuda').to('cpu').numpy(), a)
    assert tg.tensor(a).to('cuda', tg.float64).dtype == tg.float64

@needs_gpu
@pytest.mark.parametrize('f', [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a @ b.T if a.ndim == 2 else a,
                               lambda a, b: tg.cat([a, b]) if isinstance(a, tg.Tensor) else torch.cat([a, b])])
def test_mixing_devices_raises_torch_error(f):
    x, y = tg.randn(3, 4, device='cuda'), tg.randn(3, 4)
    with pytest.raises(RuntimeError, match='Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!'):
        f(x, y)

@needs_gpu
def test_numpy_of_cuda_tensor_raises():
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu()"):
        tg.randn(2, device='cuda').numpy()

@needs_gpu
def test_cpu_scalar_tensor_mixes_with_cuda():
    x = tg.randn(3, device='cuda')
    assert (x * tg.tensor(2.)).device == x.device

@needs_gpu
@pytest.mark.parametrize('op', ['add', 'mul', 'sub', 'div'])
@pytest.mark.parametrize('shapes', [((7, 5), (7, 5)), ((4, 1, 3), (5, 1)), ((), (6,))])
def test_binary_ops(op, shapes, r):
    (a, ta), (b, tb) = pair(r.standard_normal(shapes[0]) + 3), pair(r.standard_normal(shapes[1]) + 3)
    assert rel_err(getattr(a, op)(b), getattr(ta, op)(tb)) < TOL

@needs_gpu
@pytest.mark.parametrize('op', ['exp', 'log', 'tanh', 'sigmoid', 'relu', 'sqrt', 'abs'])
def test_unary_ops_and_grads(op, r):
    a, ta = pair(r.uniform(0.1, 2, (9, 8)), requires_grad=True)
    y, ty = getattr(a, op)(), getattr(ta, op)()
    assert rel_err(y, ty) < TOL
    g = r.standard_normal(y.shape).astype(np.float32)
    y.backward(tg.tensor(g, device='cuda')); ty.backward(torch.tensor(g.astype(np.float64)))
    assert a.grad.device == a.device and rel_err(a.grad, ta.grad) < TOL

@needs_gpu
@pytest.mark.parametrize('dim', [None, 0, 1, -1])
def test_reductions(dim, r):
    a, ta = pair(r.standard_normal((33, 17, 5)))
    for op in ('sum', 'mean', 'amax'):
        ours = getattr(a, op)() if dim is None else getattr(a, op)(dim)
        ref = getattr(ta, op)() if dim is None else getattr(ta, op)(dim)
        assert rel_err(ours, ref) < 1e-4

@needs_gpu
@pytest.mark.parametrize('shapes', [((64, 32), (32, 48)), ((3, 20, 30), (30, 10)), ((300,), (300,))])
def test_matmul_and_grad(shapes, r):
    (a, ta), (b, tb) = pair(r.standard_normal(shapes[0]), True), pair(r.standard_normal(shapes[1]), True)
    y, ty = a @ b, ta @ tb
    assert rel_err(y, ty) < 1e-4
    y.sum().backward(); ty.sum().backward()
    assert rel_err(a.grad, ta.grad) < 1e-4 and rel_err(b.grad, tb.grad) < 1e-4

# the hand-written kernels, one by one
@needs_gpu
def test_kernel_bias_relu(r):
    cp = cupy_or_none()
    x, b = r.standard_normal((16, 8, 7, 7)), r.standard_normal(8)
    y = kernels.bias_relu(cp.asarray(x, np.float32), cp.asarray(b, np.float32))
    tx, tb = torch.tensor(x, requires_grad=True), torch.tensor(b, requires_grad=True)
    ty = torch.relu(tx + tb[:, None, None]); assert rel_err(y, ty) < TOL
    g = r.standard_normal(y.shape); ty.backward(torch.tensor(g))
    gx = kernels.relu_backward(cp.asarray(g, np.float32), y)
    assert rel_err(gx, tx.grad) < TOL and rel_err(kernels.bias_grad(gx), tb.grad) < 1e-4

@needs_gpu
@pytest.mark.parametrize('nesterov,wd', [(False, 0.), (True, 1e-2)])
def test_kernel_sgd_momentum(nesterov, wd, r):
    cp = cupy_or_none()
    w0 = r.standard_normal((31, 17))
    tw = torch.tensor(w0, requires_grad=True); opt = torch.optim.SGD([tw], lr=0.05, momentum=0.9, nesterov=nesterov, weight_decay=wd)
    p, buf = cp.asarray(w0, np.float32), cp.zeros((31, 17), np.float32)
    for k in range(4):
        g = r.standard_normal(w0.shape); tw.grad = torch.tensor(g); opt.step()
        kernels.sgd_momentum_(p, cp.asarray(g, np.float32), buf, 0.05, 0.9, 0., wd, nesterov, first=k == 0)
    assert rel_err(p, tw) < TOL

@needs_gpu
@pytest.mark.parametrize('decoupled', [False, True])
def test_kernel_adam(decoupled, r):
    cp = cupy_or_none()
    w0 = r.standard_normal(1000)
    tw = torch.tensor(w0, requires_grad=True)
    opt = (torch.optim.AdamW if decoupled else torch.optim.Adam)([tw], lr=1e-2, weight_decay=0.1)
    p, m, v = cp.asarray(w0, np.float32), cp.zeros(1000, np.float32), cp.zeros(1000, np.float32)
    for step in range(1, 6):
        g = r.standard_normal(1000); tw.grad = torch.tensor(g); opt.step()
        kernels.adam_(p, cp.asarray(g, np.float32), m, v, step, lr=1e-2, weight_decay=0.1, decoupled=decoupled)
    assert rel_err(p, tw) < TOL

@needs_gpu
@pytest.mark.parametrize('shape', [(5, 300, 7), (1000, 3), (2, 3, 4, 5)])
def test_kernel_sum_dim(shape, r):
    cp = cupy_or_none()
    x = r.standard_normal(shape)
    for d in range(len(shape)):
        assert rel_err(kernels.sum_dim(cp.asarray(x, np.float32), d), x.sum(d)) < 1e-5
        assert rel_err(kernels.reduce_sum(cp.asarray(x, np.float32), d), x.sum(d)) < 1e-5

@needs_gpu
@pytest.mark.parametrize('N,C', [(64, 10), (7, 1000), (3, 1)])
def test_kernel_softmax_cross_entropy(N, C, r):
    cp = cupy_or_none()
    x, t = r.standard_normal((N, C)) * 3, r.integers(0, C, N)
    t[0] = -100                                   # one ignored row
    tx = torch.tensor(x, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(tx, torch.tensor(t)); ref.backward()
    loss, lse, n = kernels.softmax_cross_entropy(cp.asarray(x, np.float32), cp.asarray(t))
    assert n == N - 1 and rel_err(float(loss), ref.item()) < TOL
    gx = kernels.softmax_cross_entropy_backward(1.0, cp.asarray(x, np.float32), cp.asarray(t), lse, n)
    assert rel_err(gx, tx.grad) < TOL

@needs_gpu
@pytest.mark.parametrize('conf', [dict(), dict(stride=2, padding=1), dict(padding=2, dilation=2), dict(stride=(2, 1), padding=(0, 1))])
def test_kernel_conv2d_im2col(conf, r):
    cp = cupy_or_none()
    x, w = r.standard_normal((4, 3, 11, 10)), r.standard_normal((6, 3, 3, 3))
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, **conf); g = r.standard_normal(ty.shape); ty.backward(torch.tensor(g))
    xa, wa = cp.asarray(x, np.float32), cp.asarray(w, np.float32)
    assert rel_err(kernels.conv2d(xa, wa, **conf), ty) < 1e-4
    gx, gw, gb = kernels.conv2d_backward(cp.asarray(g, np.float32), xa, wa, **conf)
    assert rel_err(gx, tx.grad) < 1e-4 and rel_err(gw, tw.grad) < 1e-4 and rel_err(gb, g.sum((0, 2, 3))) < 1e-4

@needs_gpu
@pytest.mark.parametrize('k,s,p', [(2, 2, 0), (3, 2, 1), (3, 1, 1)])
def test_kernel_max_pool(k, s, p, r):
    cp = cupy_or_none()
    x = r.standard_normal((4, 5, 12, 13))
    tx = torch.tensor(x, requires_grad=True)
    ty, ti = torch.nn.functional.max_pool2d(tx, k, s, p, return_indices=True)
    g = r.standard_normal(ty.shape); ty.backward(torch.tensor(g))
    y, ind = kernels.max_pool2d_with_indices(cp.asarray(x, np.float32), k, s, p)
    assert np.array_equal(ind.get(), ti.numpy()) and rel_err(y, ty) < TOL
    assert rel_err(kernels.max_pool2d_backward(cp.asarray(g, np.float32), ind, x.shape), tx.grad) < TOL

@needs_gpu
@pytest.mark.parametrize('shape', [(16, 8, 5, 5), (64, 3), (2, 4, 100)])
def test_kernel_batch_norm(shape, r):
    cp = cupy_or_none()
    x = r.standard_normal(shape) * 3 + 5                   # a large mean: E[x²]-E[x]² would lose digits
    w, b = r.standard_normal(shape[1]), r.standard_normal(shape[1])
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ty = torch.nn.functional.batch_norm(tx, None, None, tw, tb, training=True)
    g = r.standard_normal(shape); ty.backward(torch.tensor(g))
    xa, wa, ba = (cp.asarray(a, np.float32) for a in (x, w, b))
    y, mean, var, invstd = kernels.batch_norm_train(xa, wa, ba)
    assert rel_err(y, ty) < 1e-4
    gx, gw, gb = kernels.batch_norm_backward(cp.asarray(g, np.float32), xa, wa, mean, invstd)
    assert rel_err(gx, tx.grad) < 1e-4 and rel_err(gw, tw.grad) < 1e-4 and rel_err(gb, tb.grad) < 1e-4

@needs_gpu
@pytest.mark.parametrize('kind', ['naive', 'tiled'])
@pytest.mark.parametrize('M,K,N', [(64, 64, 64), (100, 37, 51), (1, 300, 17)])
def test_kernel_gemm(kind, M, K, N, r):
    cp = cupy_or_none()
    A, B = r.standard_normal((M, K)), r.standard_normal((K, N))
    C = cp.full((M, N), np.nan, np.float32)                 # poisoned: every element must be written
    kernels.gemm(cp.asarray(A, np.float32), cp.asarray(B, np.float32), kind, out=C)
    assert rel_err(C, A @ B) < 1e-4

@needs_gpu
def test_memory_stats_and_event():
    cuda.empty_cache(); before = cuda.memory_allocated()
    x = tg.empty(1024, 1024, device='cuda')
    assert cuda.memory_allocated() - before == 4 * 2**20 and cuda.max_memory_allocated() >= 4 * 2**20
    s, e = cuda.Event(enable_timing=True), cuda.Event(enable_timing=True)
    s.record(); y = x @ x; e.record(); e.synchronize()
    assert s.elapsed_time(e) > 0
    del x, y

@needs_gpu
def test_manual_seed_repeats():
    cp = cupy_or_none()
    cuda.manual_seed(5); a = cp.random.rand(8); cuda.manual_seed(5)
    assert np.array_equal(a.get(), cp.random.rand(8).get())

# modules, when the nn package is there
@needs_gpu
def test_modules_on_cuda(r):
    if not hasattr(tg, 'nn') or not hasattr(tg.nn, 'Conv2d'): pytest.skip('tinygrad_edu.nn not merged yet')
    tg.manual_seed(0); torch.manual_seed(0)
    m = tg.nn.Sequential(tg.nn.Conv2d(3, 8, 3, padding=1), tg.nn.BatchNorm2d(8), tg.nn.ReLU(), tg.nn.MaxPool2d(2),
                         tg.nn.Flatten(), tg.nn.Linear(8 * 4 * 4, 10))
    tm = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                             torch.nn.Flatten(), torch.nn.Linear(8 * 4 * 4, 10)).double()
    tm.load_state_dict({k: torch.tensor(v.numpy(force=True).astype(np.float64)) for k, v in m.state_dict().items()})
    m = m.to('cuda')
    assert all(p.device.type == 'cuda' for p in m.parameters())
    x, t = r.standard_normal((16, 3, 8, 8)), r.integers(0, 10, 16)
    loss = tg.nn.functional.cross_entropy(m(tg.tensor(x, dtype=tg.float32, device='cuda')), tg.tensor(t, device='cuda'))
    tloss = torch.nn.functional.cross_entropy(tm(torch.tensor(x)), torch.tensor(t))
    assert rel_err(loss, tloss) < 1e-4
    loss.backward(); tloss.backward()
    for (n, p), (tn, tp) in zip(m.named_parameters(), tm.named_parameters()):
        assert p.grad.device.type == 'cuda' and rel_err(p.grad, tp.grad) < 1e-3, n
