"""Run the CUDA kernels of notebook 09a on the CPU, thread by thread, and compare with PyTorch.

No GPU here, so each kernel source is compiled as C++ (g++ -std=c++20) with a small CUDA emulation:
`blockIdx`/`blockDim`/`gridDim` are globals, `threadIdx` is thread-local, each block's threads are real
`std::thread`s that meet at a `std::barrier` for `__syncthreads()`, `__shared__` arrays are statics (blocks
run one after another), and `atomicAdd` takes a mutex. Index arithmetic, bounds checks, reductions and
barrier placement are all exercised; what is not (warp scheduling, memory coalescing, float rounding
order of the real GPU) needs a GPU. ElementwiseKernel bodies run inside the CuPy-like wrapper of
test_cuda_compile.py.
"""
import ctypes, hashlib, math, os, re, shutil, subprocess
from pathlib import Path
import numpy as np
import pytest
import torch

from tinygrad_edu.kernels import ELEMENTWISE_SOURCES, RAW_SOURCES, conv_out_size
from test_cuda_compile import wrap_elementwise

GXX = shutil.which('g++')
pytestmark = pytest.mark.skipif(GXX is None, reason='g++ not found: CUDA kernels not emulated on the CPU')

PRELUDE = r'''
#include <barrier>
#include <cmath>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>
using std::exp; using std::log; using std::sqrt; using std::fmax;
struct dim3_ { unsigned x, y, z; };
static dim3_ blockIdx, blockDim, gridDim;
static thread_local dim3_ threadIdx;
static std::barrier<>* _bar;
static std::mutex _atomic;
#define __global__
#define __device__
#define __shared__ static
#define __syncthreads() _bar->arrive_and_wait()
template <class U> U atomicAdd(U* p, U v) { std::lock_guard<std::mutex> g(_atomic); U o = *p; *p += v; return o; }
'''

def _params(src, name):
    "The parameter declarations of `__global__ void name(...)` in `src`."
    m = re.search(r'void\s+' + name + r'\s*\(([^)]*)\)', src)
    return [p.strip() for p in m.group(1).replace('\n', ' ').split(',')]

def _launcher(name, decls):
    names = [re.split(r'[\s*&]+', d)[-1] for d in decls]
    return (f'extern "C" void launch_{name}(unsigned _gx, unsigned _gy, unsigned _bx, unsigned _by, {", ".join(decls)}) {{\n'
            f'  gridDim = {{_gx, _gy, 1}}; blockDim = {{_bx, _by, 1}};\n'
            f'  std::barrier<> _b(_bx * _by); _bar = &_b;\n'
            f'  for (unsigned _y = 0; _y < _gy; ++_y) for (unsigned _x = 0; _x < _gx; ++_x) {{\n'
            f'    blockIdx = {{_x, _y, 0}}; std::vector<std::thread> _ts;\n'
            f'    for (unsigned _ty = 0; _ty < _by; ++_ty) for (unsigned _tx = 0; _tx < _bx; ++_tx)\n'
            f'      _ts.emplace_back([&, _tx, _ty] {{ threadIdx = {{_tx, _ty, 0}}; {name}({", ".join(names)}); }});\n'
            f'    for (auto& _t : _ts) _t.join();\n  }}\n}}\n')

_CT = {'int': ctypes.c_int, 'long long': ctypes.c_longlong, 'bool': ctypes.c_bool, 'float': ctypes.c_float, 'double': ctypes.c_double}
_BUILD = Path('/tmp') / 'tinygrad_edu_cuda_emulate'

def _compile(code):
    "A shared library from C++ `code` (cached by content in /tmp)."
    _BUILD.mkdir(exist_ok=True)
    so = _BUILD / f'{hashlib.sha1(code.encode()).hexdigest()[:16]}.so'
    if not so.exists():
        cpp, tmp = so.with_suffix(f'.{os.getpid()}.cpp'), so.with_suffix(f'.{os.getpid()}.so')   # pytest -n: no races
        cpp.write_text(code)
        r = subprocess.run([GXX, '-std=c++20', '-O1', '-shared', '-fPIC', '-pthread', '-w', str(cpp), '-o', str(tmp)],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        os.replace(tmp, so)
    return ctypes.CDLL(str(so))

def _unit(name, src, ctype):
    "One kernel and its launcher in a namespace of its own."
    return f'namespace k_{name} {{\ntypedef {ctype} T;\n{src}\n{_launcher(name, _params(src, name))}}}\n'

class Emulated:
    "A kernel compiled for the CPU: `k(grid, block, *args)` with NumPy arrays for pointers."
    def __init__(self, name, src, ctype, lib=None):
        decls = _params(src, name)
        lib = lib or _compile(PRELUDE + _unit(name, src, ctype))
        self.fn = getattr(lib, f'launch_{name}')
        self.types = []
        for d in decls:
            t = ' '.join(re.split(r'[\s]+', d.replace('*', ' * ').replace('&', ' & '))[:-1]).replace('const', '').strip()
            self.types.append(ctypes.c_void_p if '*' in t else _CT[{'T': ctype}.get(t, t)])
        self.fn.argtypes = [ctypes.c_uint] * 4 + self.types
    def __call__(self, grid, block, *args):
        grid, block = (tuple(grid) + (1,))[:2], (tuple(block) + (1,))[:2]
        conv = []
        for t, a in zip(self.types, args):
            if t is ctypes.c_void_p:
                assert isinstance(a, np.ndarray) and a.flags.c_contiguous
                conv.append(a.ctypes.data)
            else: conv.append(a)
        self.fn(*grid, *block, *conv)

_SRC = {**{n: s for n, s in RAW_SOURCES.items()}, **{n: wrap_elementwise(n, *s) for n, s in ELEMENTWISE_SOURCES.items()}}
_libs, _cache = {}, {}

def kernel(name, dtype=np.float64):
    "Kernel `name` from the one library holding every kernel for this dtype (one g++ call per dtype)."
    ctype = 'float' if np.dtype(dtype) == np.float32 else 'double'
    if ctype not in _libs: _libs[ctype] = _compile(PRELUDE + ''.join(_unit(n, s, ctype) for n, s in _SRC.items()))
    if (name, ctype) not in _cache: _cache[name, ctype] = Emulated(name, _SRC[name], ctype, _libs[ctype])
    return _cache[name, ctype]

raw = elementwise = kernel

def ew(name, *args):
    "Run an elementwise kernel over the size of its last array argument (its first output)."
    n = [a for a in args if isinstance(a, np.ndarray)][-1].size
    elementwise(name)(((n + 63) // 64,), (64,), *args, n)

def poison(shape, dtype=np.float64): return np.full(shape, np.nan, dtype)

@pytest.fixture
def r(): return np.random.default_rng()

# -------------------------------------------------------------------------------- raw kernels
@pytest.mark.parametrize('conf', [dict(s=1, p=0, d=1), dict(s=2, p=1, d=1), dict(s=1, p=2, d=2), dict(s=(2, 1), p=(0, 1), d=1)])
def test_im2col_col2im(conf, r):
    N, C, H, W, KH, KW = 2, 3, 7, 6, 3, 2
    pair = lambda v: (v, v) if isinstance(v, int) else v
    (sh, sw), (ph, pw), (dh, dw) = pair(conf['s']), pair(conf['p']), pair(conf['d'])
    OH, OW = conv_out_size(H, W, KH, KW, (sh, sw), (ph, pw), (dh, dw))
    x = r.standard_normal((N, C, H, W))
    cols = poison((N, C * KH * KW, OH * OW))
    args = [np.int32(v) for v in (N, C, H, W, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw)]
    raw('im2col')((math.ceil(cols.size / 64),), (64,), x, cols, *args)
    ref = torch.nn.functional.unfold(torch.tensor(x), (KH, KW), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw)).numpy()
    np.testing.assert_allclose(cols, ref, rtol=0, atol=0)
    g = r.standard_normal(cols.shape); gx = poison(x.shape)
    raw('col2im')((math.ceil(x.size / 64),), (64,), g, gx, *args)
    ref = torch.nn.functional.fold(torch.tensor(g), (H, W), (KH, KW), dilation=(dh, dw), padding=(ph, pw), stride=(sh, sw)).numpy()
    np.testing.assert_allclose(gx, ref, rtol=1e-12, atol=1e-12)

@pytest.mark.parametrize('k,s,p,d', [(2, 2, 0, 1), (3, 2, 1, 1), (3, 1, 1, 2), (2, 1, 0, 1)])
def test_max_pool(k, s, p, d, r):
    N, C, H, W = 2, 3, 9, 8
    x = r.standard_normal((N, C, H, W))
    tx = torch.tensor(x, requires_grad=True)
    ty, ti = torch.nn.functional.max_pool2d(tx, k, s, p, d, return_indices=True)
    OH, OW = ty.shape[2:]
    y, ind = poison(ty.shape), np.full(ty.shape, -7, np.int64)
    raw('max_pool2d_forward')((math.ceil(y.size / 32),), (32,), x, y, ind, np.int64(N * C),
                              *[np.int32(v) for v in (H, W, OH, OW, k, k, s, s, p, p, d, d)])
    np.testing.assert_array_equal(ind, ti.numpy()); np.testing.assert_array_equal(y, ty.detach().numpy())
    g = r.standard_normal(y.shape); ty.backward(torch.tensor(g))
    gx = np.zeros(x.shape)
    raw('max_pool2d_backward')((math.ceil(g.size / 32),), (32,), g, ind, gx, np.int64(N * C), np.int32(H * W), np.int32(OH * OW))
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-12, atol=1e-12)

def test_max_pool_nan_wins():
    x = np.arange(16.).reshape(1, 1, 4, 4); x[0, 0, 1, 0] = np.nan
    y, ind = poison((1, 1, 2, 2)), np.zeros((1, 1, 2, 2), np.int64)
    raw('max_pool2d_forward')((1,), (32,), x, y, ind, np.int64(1), *[np.int32(v) for v in (4, 4, 2, 2, 2, 2, 2, 2, 0, 0, 1, 1)])
    ty, ti = torch.nn.functional.max_pool2d(torch.tensor(x), 2, return_indices=True)
    np.testing.assert_array_equal(ind, ti.numpy()); np.testing.assert_array_equal(y, ty.numpy())

@pytest.mark.parametrize('shape', [(3, 5, 4), (7, 1), (1, 9), (2, 3, 4, 5)])
def test_sum_dim(shape, r):
    x = r.standard_normal(shape)
    for d in range(len(shape)):
        outer, n, inner = math.prod(shape[:d]), shape[d], math.prod(shape[d + 1:])
        y = poison(x.sum(d).shape)
        raw('sum_dim')((math.ceil(outer * inner / 32),), (32,), x, y, np.int64(outer), np.int64(n), np.int64(inner))
        np.testing.assert_allclose(y, x.sum(d), rtol=1e-12)

@pytest.mark.parametrize('N,C', [(5, 10), (3, 700), (4, 1)])
def test_softmax_cross_entropy(N, C, r):
    x, t = r.standard_normal((N, C)) * 4, r.integers(0, C, N)
    t[-1] = -100
    loss, lse = poison(N), poison(N)
    raw('softmax_xent_forward')((N,), (256,), x, t, loss, lse, np.int32(C), np.int64(-100))
    ref = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t), reduction='none').numpy()
    np.testing.assert_allclose(loss, ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(lse, torch.logsumexp(torch.tensor(x), 1).numpy(), rtol=1e-12)
    tx = torch.tensor(x, requires_grad=True)
    torch.nn.functional.cross_entropy(tx, torch.tensor(t)).backward()
    gx = poison(x.shape)
    ew('softmax_xent_backward', x, lse, t, 1.0 / (N - 1), np.int32(C), np.int64(-100), gx)
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-10, atol=1e-14)

@pytest.mark.parametrize('shape', [(6, 4, 3, 5), (300, 3), (2, 2, 130)])
def test_batch_norm(shape, r):
    x = r.standard_normal(shape) * 3 + 5
    w, b = r.standard_normal(shape[1]), r.standard_normal(shape[1])
    N, C, inner = shape[0], shape[1], math.prod(shape[2:])
    mean, var = poison(C), poison(C)
    raw('batch_norm_stats')((C,), (256,), x, mean, var, np.int32(N), np.int32(C), np.int64(inner))
    axes = (0,) + tuple(range(2, len(shape)))
    np.testing.assert_allclose(mean, x.mean(axes), rtol=1e-12); np.testing.assert_allclose(var, x.var(axes), rtol=1e-10)
    invstd = 1 / np.sqrt(var + 1e-5)
    y = poison(shape)
    ew('batch_norm_apply', x, mean, invstd, w, b, np.int32(C), np.int32(inner), y)
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    ty = torch.nn.functional.batch_norm(tx, None, None, tw, tb, training=True)
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    g = r.standard_normal(shape); ty.backward(torch.tensor(g))
    sg, sgx = poison(C), poison(C)
    raw('batch_norm_backward_reduce')((C,), (256,), g, x, mean, invstd, sg, sgx, np.int32(N), np.int32(C), np.int64(inner))
    np.testing.assert_allclose(sg, tb.grad.numpy(), rtol=1e-10); np.testing.assert_allclose(sgx, tw.grad.numpy(), rtol=1e-9)
    gx = poison(shape)
    ew('batch_norm_backward_apply', g, x, mean, invstd, w, sg, sgx, np.int32(C), np.int32(inner), float(N * inner), gx)
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-8, atol=1e-10)

@pytest.mark.parametrize('kind', ['naive', 'tiled'])
@pytest.mark.parametrize('M,K,N', [(16, 16, 16), (33, 20, 17), (1, 40, 5)])
def test_gemm(kind, M, K, N, r):
    A, B = r.standard_normal((M, K)), r.standard_normal((K, N))
    Cm = poison((M, N))
    raw('gemm_' + kind)(((N + 15) // 16, (M + 15) // 16), (16, 16), A, B, Cm, np.int32(M), np.int32(N), np.int32(K))
    np.testing.assert_allclose(Cm, A @ B, rtol=1e-12, atol=1e-12)

# -------------------------------------------------------------------------------- elementwise bodies
def test_bias_relu_and_backward(r):
    x, b = r.standard_normal((4, 3, 5)), r.standard_normal(3)
    y = poison(x.shape); ew('bias_relu', x, b, np.int32(3), np.int32(5), y)
    np.testing.assert_array_equal(y, np.maximum(x + b[:, None], 0))
    g = r.standard_normal(x.shape); gx = poison(x.shape); ew('relu_backward', g, y, gx)
    np.testing.assert_array_equal(gx, g * (y > 0))

@pytest.mark.parametrize('nesterov,wd,damp', [(False, 0., 0.), (True, 1e-2, 0.), (False, 1e-2, 0.3)])
def test_sgd_momentum(nesterov, wd, damp, r):
    w0 = r.standard_normal(50)
    tw = torch.tensor(w0, requires_grad=True)
    opt = torch.optim.SGD([tw], lr=0.1, momentum=0.9, dampening=damp, nesterov=nesterov, weight_decay=wd)
    p, buf = w0.copy(), np.zeros(50)
    for k in range(4):
        g = r.standard_normal(50); tw.grad = torch.tensor(g); opt.step()
        ew('sgd_momentum', g, 0.1, 0.9, damp, wd, nesterov, k == 0, p, buf)
    np.testing.assert_allclose(p, tw.detach().numpy(), rtol=1e-12)

@pytest.mark.parametrize('decoupled', [False, True])
def test_adam(decoupled, r):
    w0 = r.standard_normal(50)
    tw = torch.tensor(w0, requires_grad=True)
    opt = (torch.optim.AdamW if decoupled else torch.optim.Adam)([tw], lr=1e-2, weight_decay=0.1)
    p, m, v = w0.copy(), np.zeros(50), np.zeros(50)
    for step in range(1, 5):
        g = r.standard_normal(50); tw.grad = torch.tensor(g); opt.step()
        ew('adam', g, 1e-2, 0.9, 0.999, 1e-8, 0.1, 1 - 0.9 ** step, math.sqrt(1 - 0.999 ** step), decoupled, p, m, v)
    np.testing.assert_allclose(p, tw.detach().numpy(), rtol=1e-12)

def test_emulation_can_fail(r):
    "A wrong kernel gives a wrong answer here (the harness is not a tautology)."
    bad = RAW_SOURCES['sum_dim'].replace('acc += col[k * inner]', 'acc += col[k]')
    k = Emulated('sum_dim', bad, 'double')
    x = r.standard_normal((3, 4, 5)); y = poison((3, 5))
    k((1,), (32,), x, y, np.int64(3), np.int64(4), np.int64(5))
    assert not np.allclose(y, x.sum(1))
