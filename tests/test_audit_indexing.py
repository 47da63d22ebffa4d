"""Regressions from the indexing/movement audit against PyTorch: each case runs the same lambda on `torch` and
`tinygrad_edu` and compares values, dtypes, shapes, gradients, or error types and messages."""
import warnings
import numpy as np
import pytest
import torch
import tinygrad_edu as tg

def _run(f, L):
    try: return 'ok', f(L)
    except Exception as e: return 'err', e

def _same(a, b):
    if isinstance(a, (tuple, list)):
        assert isinstance(b, (tuple, list)) and len(a) == len(b), (a, b)
        for x, y in zip(a, b): _same(x, y)
    elif isinstance(a, torch.Tensor):
        assert isinstance(b, tg.Tensor), type(b)
        assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape), (a.dtype, b.dtype, a.shape, b.shape)
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy())
    else: assert a == b, (a, b)

def same(f):
    "f(L) gives the same result (or the same error type and message) for L = torch and L = tinygrad_edu."
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        (kt, rt), (ko, ro) = _run(f, torch), _run(f, tg)
    assert kt == ko, (rt, ro)
    if kt == 'err': assert (type(ro).__name__, str(ro)) == (type(rt).__name__, str(rt))
    else: _same(rt, ro)

def A(L, *shape, dtype='float32', rg=False):
    t = L.arange(int(np.prod(shape)), dtype=getattr(L, dtype)).reshape(shape)
    return t.requires_grad_() if rg else t

def grad_of(fn):
    "The forward value and the input gradient of sum(fn(x) * weights)."
    def f(L):
        x = A(L, 3, 4, 5, rg=True)
        y = fn(L, x)
        (y * (1 + A(L, *y.shape))).sum().backward()
        return y.detach(), x.grad
    return f

# ---- indexing ----
@pytest.mark.parametrize('ix', [lambda L: True, lambda L: False, lambda L: L.tensor(True), lambda L: L.tensor(False),
                                lambda L: (L.tensor(True), 1), lambda L: (Ellipsis, L.tensor(True))])
def test_zero_dim_bool_index(ix):
    same(grad_of(lambda L, x: x[ix(L)]))
    same(lambda L: A(L, 3, 4, dtype='int64')[ix(L)])
    same(lambda L: A(L, 1).reshape(())[L.tensor(True)])

@pytest.mark.parametrize('ix', [[[0, 1], [1, 2]], [[0, 2]], [slice(None), 1], [0, [1, 3]]])
def test_list_of_sequences_is_a_tuple(ix):
    same(grad_of(lambda L, x: x[ix]))
    def put(L):
        x = A(L, 3, 4, 5); x[ix] = -1.0; return x
    same(put)

def test_float_index_message():
    same(lambda L: A(L, 3, 4)[1.0])

@pytest.mark.parametrize('step', [0, -1])
def test_slice_step_messages(step):
    same(lambda L: A(L, 5)[::step])

# ---- setitem ----
@pytest.mark.parametrize('ix,shape,dtype', [(1, (5,), 'float32'), ((slice(None), slice(1, 3)), (1, 5), 'float32'),
                                            (Ellipsis, (5,), 'float32'), (0, (5,), 'float64'), (0, (1, 1, 5), 'float64')])
@pytest.mark.parametrize('dst', ['float32', 'int64'])
def test_setitem_basic_index_casts(ix, shape, dtype, dst):
    def f(L):
        x = A(L, 3, 4, 5, dtype=dst); x[ix] = A(L, *shape, dtype=dtype) + 100; return x
    same(f)

def test_setitem_basic_index_casts_with_grad():
    def f(L):
        v = A(L, 5, dtype='float64', rg=True); x = A(L, 3, 5) * 1.0
        x[1] = v * 2; x.sum().backward(); return x.detach(), v.grad
    same(f)

def test_setitem_advanced_index_still_needs_same_dtype():
    def f(L):
        x = A(L, 3, 4); x[L.tensor([0])] = A(L, 4, dtype='float64'); return x
    same(f)

@pytest.mark.parametrize('ix,shape', [(0, (3,)), (0, (2, 4)), ([0, 1], (3,)), ((slice(None), [0, 1]), (2, 2)), (1, (4, 1))])
def test_setitem_shape_errors(ix, shape):
    def f(L):
        x = A(L, 3, 4); x[ix] = A(L, *shape); return x
    same(f)

# ---- gather / scatter / index_* ----
@pytest.mark.parametrize('f', [
    lambda L: L.gather(A(L, 3, 4), 1, L.tensor([[0, -1]])),
    lambda L: A(L, 3, 4).scatter(1, L.tensor([[-1]]), A(L, 1, 1)),
    lambda L: A(L, 3, 4).scatter_add(0, L.tensor([[-3]]), A(L, 1, 1)),
    lambda L: A(L, 3, 4).scatter(1, L.tensor([[-1]]), 2.0),
])
def test_gather_scatter_reject_negative_indices(f): same(f)

@pytest.mark.parametrize('f', [
    lambda L: A(L, 3, 4).index_add(0, L.tensor([3]), A(L, 1, 4)),
    lambda L: A(L, 3, 4).index_add(0, L.tensor([-1]), A(L, 1, 4)),
    lambda L: A(L, 3, 4).index_add(1, L.tensor([0]), A(L, 3, 2)),
    lambda L: A(L, 3, 4).index_copy(0, L.tensor([5]), A(L, 1, 4)),
    lambda L: A(L, 3, 4).index_copy(0, L.tensor([-1]), A(L, 1, 4)),
    lambda L: A(L, 3, 4).index_copy(0, L.tensor([0]), A(L, 2, 4)),
    lambda L: A(L, 3, 4).index_fill(1, L.tensor([4]), -1.0),
    lambda L: A(L, 3, 4).index_fill(1, L.tensor([-5]), -1.0),
    lambda L: A(L, 3, 4).index_fill(1, L.tensor([-1]), -1.0),
    lambda L: A(L, 3, 4).index_add(-1, L.tensor([3, 3]), A(L, 3, 2), alpha=2),
    lambda L: A(L, 1).reshape(()).index_select(0, L.tensor([0])),
])
def test_index_ops_bounds(f): same(f)

@pytest.mark.parametrize('f', [
    lambda L: L.take_along_dim(A(L, 3, 4), L.tensor([[-1], [0], [-4]]), 1),
    lambda L: L.take_along_dim(A(L, 3, 4), L.tensor([-1, -12])),
    lambda L: L.take_along_dim(A(L, 3, 4, 5), L.tensor([[[0]], [[1]]]), 1),
])
def test_take_along_dim_negative_and_broadcast(f): same(f)

def test_take_along_dim_negative_grad():
    same(grad_of(lambda L, x: x.take_along_dim(L.tensor([[[-1]], [[0]], [[-2]]]), 1)))

# ---- shapes ----
@pytest.mark.parametrize('f', [
    lambda L: A(L, 1, 3).squeeze((0, 0)),
    lambda L: A(L, 1, 3).squeeze((0, -2)),
    lambda L: A(L, 1, 3).expand(-1, 1, 3),
    lambda L: A(L, 1, 3).expand(2, -1, 3),
    lambda L: A(L, 2, 3, 4).movedim((0, 0), (1, 2)),
    lambda L: A(L, 2, 3, 4).movedim((-3, 0), (1, 2)),
    lambda L: A(L, 2, 3, 4).movedim((0, 1), (2, -1)),
    lambda L: A(L, 2, 3, 4).movedim((0, 1), (1,)),
    lambda L: A(L, 2, 3, 4).flip(0, -3),
    lambda L: A(L, 2, 3, 4).rot90(1, (0, -3)),
    lambda L: A(L, 2, 3, 4).rot90(1, (1, 1)),
    lambda L: A(L, 0, 3).reshape(0, -1),
    lambda L: A(L, 2, 3).reshape(0, -1),
    lambda L: A(L, 0).chunk(3),
    lambda L: A(L, 2, 0).chunk(4, 1),
    lambda L: A(L, 1).reshape(()).chunk(1),
    lambda L: A(L, 7).tensor_split([-2]),
    lambda L: A(L, 7).tensor_split([5, 1]),
    lambda L: A(L, 7).tensor_split([-10, 3]),
    lambda L: A(L, 2, 7).tensor_split([2, -1, 10], dim=-1),
    lambda L: L.tensor_split(A(L, 7), L.tensor([-3])),
])
def test_shape_op_edges(f): same(f)

def test_tensor_split_negative_grad():
    same(grad_of(lambda L, x: L.cat(x.tensor_split([-3, 4], dim=2), 1)))

# ---- second round ----
@pytest.mark.parametrize('f', [
    lambda L: A(L, 3, 4)[L.tensor(1, dtype=L.uint8)],
    lambda L: A(L, 3, 4)[L.tensor(0, dtype=L.uint8)],
    lambda L: A(L, 3, 4).narrow(0, 0, -1),
    lambda L: A(L, 4).rot90(),
    lambda L: A(L, 4).masked_fill_(A(L, 3, 4) > 1, 1.0),
    lambda L: A(L, 4).index_fill_(0, L.tensor([1]), 1.0),
    lambda L: A(L, 7).tensor_split(L.tensor([[1]])),
    lambda L: (5 in A(L, 3, 4), 50 in A(L, 3, 4), 2.0 in A(L, 3), L.tensor(3.) in A(L, 2, 2), True in A(L, 2)),
    lambda L: 'a' in A(L, 3),
])
def test_second_round(f): same(f)
