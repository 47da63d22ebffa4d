"""tinygrad_edu.printing against PyTorch: `tensor_repr(t.numpy(), ...)` must equal `repr(t)` exactly.

Cases are generated from seeds over shapes (0-d, empty, 1-D short/long/wrapping, 2-D..4-D, summarised),
magnitudes (1e-8..1e10, mixed, whole numbers, nan/inf, -0.), dtypes, autograd suffixes and print options.
"""
import math
import numpy as np
import pytest
import torch

from tinygrad_edu import printing
from tinygrad_edu.printing import tensor_repr, set_printoptions, get_printoptions, printoptions

SHAPES = [(), (0,), (0, 3), (3, 0, 2), (1,), (2,), (5,), (9,), (17,), (40,), (100,), (1, 1), (3, 4), (7, 13),
          (4, 30), (2, 3, 4), (3, 1, 5), (2, 2, 3, 3), (1, 2, 1, 3), (1001,), (40, 30), (11, 10, 10), (3, 4, 5, 20),
          (1, 1, 1001), (2000,), (6, 7, 25)]
FLOATS = ['float32', 'float64', 'float16']
INTS = ['int64', 'int32', 'int16', 'int8', 'uint8']
OPTIONS = [dict(), dict(), dict(), dict(precision=2), dict(precision=6), dict(precision=0), dict(threshold=10),
           dict(edgeitems=1, threshold=20), dict(edgeitems=5), dict(linewidth=40), dict(linewidth=120),
           dict(linewidth=10), dict(sci_mode=True), dict(sci_mode=False), dict(profile='short'),
           dict(profile='full'), dict(edgeitems=0), dict(edgeitems=0, threshold=5)]


def float_values(rng, shape, kind):
    "Random float64 values of `shape` of one of several magnitude kinds."
    n = int(np.prod(shape))
    if kind == 'scaled': v = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 11)
    elif kind == 'mixed': v = rng.standard_normal(n) * 10.0 ** rng.uniform(-8, 10, n)
    elif kind == 'ints': v = rng.integers(-10 ** int(rng.integers(1, 10)), 10 ** int(rng.integers(1, 10)), n).astype(float)
    elif kind == 'small_ints': v = rng.integers(-5, 6, n).astype(float)
    elif kind == 'unit': v = rng.uniform(-1, 1, n)
    elif kind == 'positive': v = rng.uniform(0, 1000, n)
    elif kind == 'zeros': v = np.zeros(n) * rng.choice([1., -1.])
    else: raise ValueError(kind)
    if n and rng.random() < 0.3:                           # sprinkle nan, inf, -inf, 0 and -0.
        k = int(rng.integers(1, min(n, 4) + 1))
        v[rng.choice(n, k, replace=False)] = rng.choice([np.nan, np.inf, -np.inf, 0., -0.], k)
    return v.reshape(shape)


def make_tensor(rng, shape, dtype_name):
    "A random torch tensor of `shape` and `dtype_name`."
    if dtype_name == 'bool': return torch.from_numpy(np.asarray(rng.random(shape) < 0.5))
    if dtype_name in INTS:
        info = np.iinfo(dtype_name)
        hi = min(info.max, 10 ** int(rng.integers(1, 19)))
        lo = 0 if info.min == 0 else max(info.min, -hi)
        return torch.from_numpy(np.asarray(rng.integers(lo, hi, shape, dtype=dtype_name, endpoint=True)))
    kinds = ['scaled', 'mixed', 'ints', 'small_ints', 'unit', 'positive', 'zeros']
    if dtype_name.startswith('complex'):
        re, im = (float_values(rng, shape, rng.choice(kinds)) for _ in range(2))
        z = np.empty(np.shape(re), dtype_name)
        z.real, z.imag = re, im                            # (re + 1j*im would turn inf into nan)
        return torch.from_numpy(z)
    with np.errstate(over='ignore'):
        return torch.from_numpy(np.asarray(float_values(rng, shape, rng.choice(kinds))).astype(dtype_name))


def ours(t, prefix='tensor(', **kw):
    "Our repr of the torch tensor `t`, built from its NumPy values and its autograd facts."
    fn = t.grad_fn
    return tensor_repr(t.detach().numpy(), str(t.dtype).removeprefix('torch.'), requires_grad=t.requires_grad,
                       grad_fn_name=None if fn is None else type(fn).__name__, prefix=prefix, **kw)


@pytest.fixture(autouse=True)
def default_options():
    "Every test starts and ends with default print options in both libraries."
    torch.set_printoptions(profile='default'); set_printoptions(profile='default')
    yield
    torch.set_printoptions(profile='default'); set_printoptions(profile='default')


def both(**opts):
    torch.set_printoptions(**opts); set_printoptions(**opts)


def check(t, **kw):
    expected = repr(t)
    assert ours(t, **kw) == expected, f"\nexpected:\n{expected}\ngot:\n{ours(t, **kw)}"


# ---------------------------------------------------------------------------------------------- generated cases
@pytest.mark.parametrize('seed', range(300))
def test_random_against_torch(seed):
    rng = np.random.default_rng(seed)
    shape = SHAPES[seed % len(SHAPES)]
    dtype = (FLOATS * 4 + INTS + ['bool', 'complex64', 'complex128'])[rng.integers(0, 20)]
    t = make_tensor(rng, shape, dtype)
    if dtype in FLOATS[:2] and rng.random() < 0.3:         # autograd suffixes
        t = t.requires_grad_()
        t = rng.choice([lambda x: x, lambda x: x * 2, lambda x: x + 1, lambda x: -x])(t)
    both(**OPTIONS[rng.integers(0, len(OPTIONS))])
    check(t)


@pytest.mark.parametrize('seed', range(100))
def test_magnitudes(seed):
    "Every magnitude from 1e-8 to 1e10, alone and mixed, in each float dtype."
    rng = np.random.default_rng(1000 + seed)
    e = seed % 19 - 8
    shape = [(), (1,), (4,), (3, 5), (30,)][seed % 5]
    v = rng.standard_normal(shape) * 10.0 ** e
    if seed % 3 == 1: v = np.round(v)
    if seed % 4 == 2 and v.size: v.flat[0] = 1.0
    for dtype in ('float32', 'float64'):
        check(torch.from_numpy(np.asarray(v, dtype)))


@pytest.mark.parametrize('value', [0., -0., 1., -1., 0.5, 1e-4, 9.99e-5, 1e8, 1.0000001e8, 123456.789, -2.5e-7,
                                   math.nan, math.inf, -math.inf, 1e10, 65504., 3.14159265, 1000.5, 0.00015])
@pytest.mark.parametrize('dtype', FLOATS)
def test_scalars(value, dtype):
    check(torch.tensor(value, dtype=getattr(torch, dtype)))


@pytest.mark.parametrize('values', [[1., 1000.], [1., 1000.1], [1e-4, 0.1], [9.9e-5, 1.], [1e8, 1.], [1.5e8],
                                    [-0., 1.], [-0., 0.], [0., 0.], [math.nan, 1.], [math.nan, 1.5], [math.inf, -1e-5],
                                    [math.nan, math.nan], [-math.inf, 0.], [1e-5, math.nan, -0.], [100., -100.5]])
@pytest.mark.parametrize('opts', [dict(), dict(sci_mode=True), dict(sci_mode=False), dict(precision=1)])
def test_style_boundaries(values, opts):
    "The edges of the fixed/sci/int rule and the values that are left out of it."
    both(**opts)
    check(torch.tensor(values))
    check(torch.tensor(values, dtype=torch.float64, requires_grad=True))


@pytest.mark.parametrize('n', [1, 5, 8, 9, 10, 11, 12, 13, 20, 50, 999, 1000, 1001])
@pytest.mark.parametrize('linewidth', [80, 30, 13])
def test_wrapping(n, linewidth):
    both(linewidth=linewidth)
    x = torch.linspace(-50, 50, n)
    check(x); check(x.reshape(1, n)); check(x * 2 if n < 1000 else x.requires_grad_() * 2)
    check(torch.arange(n) * 10 ** 9)


def test_ints_bools_alignment():
    check(torch.tensor([[1, -20], [300, 4]]))
    check(torch.tensor([[True, False], [False, False]]))
    check(torch.tensor([True]))
    check(torch.tensor([2 ** 63 - 1, -2 ** 63]))
    check(torch.tensor([255, 0], dtype=torch.uint8))
    check(torch.arange(-64, 64, dtype=torch.int8))


@pytest.mark.parametrize('shape', [(0,), (0, 3), (3, 0), (2, 0, 4), (0, 0, 0, 0)])
@pytest.mark.parametrize('dtype', ['float32', 'float64', 'float16', 'int64', 'int8', 'bool', 'complex64', 'complex128'])
def test_empty(shape, dtype):
    check(torch.zeros(shape, dtype=getattr(torch, dtype)))
    if dtype.startswith('float'): check(torch.zeros(shape, dtype=getattr(torch, dtype), requires_grad=True))


@pytest.mark.parametrize('seed', range(20))
def test_complex(seed):
    rng = np.random.default_rng(2000 + seed)
    for shape in [(), (3,), (2, 5), (30,)]:
        check(make_tensor(rng, shape, ['complex64', 'complex128'][seed % 2]))
    check(torch.tensor([1 + 2j, -0.5 - 1e-5j, complex(0, -0.), complex(math.nan, math.inf)]))


def test_grad_fn_suffixes():
    x = torch.arange(6., requires_grad=True)
    check(x); check(x * 2); check(x + 1); check(x.sum()); check(x.mean()); check(x.reshape(2, 3)); check(x[1:])
    check(x.exp()); check(torch.ones(3, dtype=torch.float64, requires_grad=True) @ torch.ones(3, dtype=torch.float64))


@pytest.mark.parametrize('n', [10, 11, 12, 13, 14, 15, 16, 20])
def test_suffix_wrapping(n):
    "Suffixes move to their own line exactly where PyTorch moves them."
    x = torch.arange(n, dtype=torch.float64, requires_grad=True)
    check(x); check(x * 2); check(torch.arange(n, dtype=torch.int16))
    both(linewidth=40); check(x); check(x * 2)


def test_prefix_of_a_subclass():
    class MyTensor(torch.Tensor): pass
    for t in [torch.arange(30.).reshape(3, 10), torch.arange(60.).reshape(2, 3, 10) / 7, torch.tensor(1.5)]:
        check(t.as_subclass(MyTensor), prefix='MyTensor(')


def test_default_dtype_float64():
    torch.set_default_dtype(torch.float64)
    try:
        for t in [torch.tensor([1.5, 2.]), torch.tensor([1.5, 2.], dtype=torch.float32), torch.zeros(0),
                  torch.zeros(0, dtype=torch.float32), torch.tensor([1 + 1j]), torch.tensor([1 + 1j], dtype=torch.complex64)]:
            check(t, default_dtype='float64')
    finally:
        torch.set_default_dtype(torch.float32)


def test_device_suffix():
    "No CUDA in the torch build: the expected strings follow torch's rule (device first, wrapped like the others)."
    a = np.array([1., 2.], np.float32)
    assert tensor_repr(a, 'float32', device='cuda:0') == "tensor([1., 2.], device='cuda:0')"
    assert tensor_repr(a, 'float64', device='cuda:0', requires_grad=True) == \
        "tensor([1., 2.], device='cuda:0', dtype=torch.float64, requires_grad=True)"
    b = np.arange(10, dtype=np.float64)
    assert tensor_repr(b, 'float64', device='cuda:0', grad_fn_name='MulBackward0') == \
        "tensor([0., 1., 2., 3., 4., 5., 6., 7., 8., 9.], device='cuda:0',\n       dtype=torch.float64, grad_fn=<MulBackward0>)"
    assert tensor_repr(np.zeros((0, 2)), 'int64', device='cuda:1') == "tensor([], device='cuda:1', size=(0, 2), dtype=torch.int64)"


@pytest.mark.parametrize('seed', range(30))
def test_add_suffixes_like_torch(seed):
    "Our line breaking of suffixes against torch's own helper, on random text and suffix lengths."
    rng = np.random.default_rng(3000 + seed)
    lines = ['x' * int(rng.integers(1, 90)) for _ in range(int(rng.integers(1, 3)))]
    text, parts = '\n'.join(lines), ['s' * int(rng.integers(1, 40)) for _ in range(int(rng.integers(0, 5)))]
    indent, width = int(rng.integers(0, 12)), int(rng.choice([20, 40, 80]))
    both(linewidth=width)
    assert printing.add_suffixes(text, parts, indent, width) == torch._tensor_str._add_suffixes(text, parts, indent, False)


# ---------------------------------------------------------------------------------------------- print options
def test_printoptions_mirror_torch():
    assert get_printoptions() == torch._tensor_str.get_printoptions()
    for kw in [dict(precision=2), dict(profile='short'), dict(profile='full', linewidth=100), dict(sci_mode=True),
               dict(threshold=5, edgeitems=1), dict(profile='nonsense')]:
        both(**kw)
        assert get_printoptions() == torch._tensor_str.get_printoptions()
    with printoptions(precision=7), torch._tensor_str.printoptions(precision=7):
        assert get_printoptions() == torch._tensor_str.get_printoptions()
        check(torch.tensor([1 / 3]))
    assert get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_restores_on_error():
    with pytest.raises(ZeroDivisionError):
        with printoptions(precision=1): 1 / 0
    assert printing.PRINT_OPTS.precision == 4


def test_tests_can_fail():
    "The oracle comparison notices a one-character difference."
    t = torch.tensor([1.5, 2.])
    assert ours(t) == repr(t)
    set_printoptions(precision=3)                           # torch still at 4
    assert ours(t) != repr(t)


def test_tensor_repr_through_the_tensor_class():
    "The lead's `Tensor.__repr__` wiring: leaf tensors print like torch's."
    import tinygrad_edu as T
    for data, kw in [([1., 2.5], {}), ([[1, 2], [3, 40]], {}), ([1.5, -2e-6], dict(dtype='float64')),
                     ([True, False], {}), (3.25, dict(requires_grad=True)), ([[0.5] * 30] * 2, dict(requires_grad=True))]:
        ours_t = T.tensor(data, **{k: getattr(T, v) if k == 'dtype' else v for k, v in kw.items()})
        torch_t = torch.tensor(data, **{k: getattr(torch, v) if k == 'dtype' else v for k, v in kw.items()})
        assert repr(ours_t) == repr(torch_t)
