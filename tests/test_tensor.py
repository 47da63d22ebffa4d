"""The Tensor of notebook 01 against PyTorch: creation ops, dtypes, views/memory sharing, conversions, errors."""
import warnings
import numpy as np
import pytest
import torch
import tinygrad_edu as tg

SHAPES = [(), (0,), (1,), (5,), (2, 3), (3, 1, 4), (2, 0, 3), (2, 3, 4, 5)]

def same(ours, theirs):
    "Equal shape, dtype name and values."
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    np.testing.assert_array_equal(ours.numpy(force=True) if hasattr(ours, 'numpy') else ours, theirs.detach().numpy())

@pytest.mark.parametrize('shape', SHAPES)
@pytest.mark.parametrize('fn', ['zeros', 'ones'])
def test_filled(fn, shape):
    same(getattr(tg, fn)(*shape) if shape else getattr(tg, fn)(()), getattr(torch, fn)(*shape) if shape else getattr(torch, fn)(()))
    same(getattr(tg, fn)(shape, dtype=tg.int64), getattr(torch, fn)(shape, dtype=torch.int64))

@pytest.mark.parametrize('value', [7, 7.5, True, -3])
def test_full(value):
    same(tg.full((2, 3), value), torch.full((2, 3), value))

@pytest.mark.parametrize('args', [(5,), (2, 10), (10, 30, 5), (0, 1, 0.25), (1.5, 4), (10, 0, -3), (0, 0)])
def test_arange(args):
    same(tg.arange(*args), torch.arange(*args))

@pytest.mark.parametrize('args', [(2, 10, 9), (0, 1, 5), (-1, 1, 1), (3, 3, 0)])
def test_linspace(args):
    t, o = torch.linspace(*args), tg.linspace(*args)
    np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-6)
    assert o.dtype == tg.float32

def test_eye():
    same(tg.eye(3), torch.eye(3)); same(tg.eye(2, 4), torch.eye(2, 4))

@pytest.mark.parametrize('data', [[5.5, 3], [1, 2], [True, False], [[1, 2], [3, 4]], 3, 2.5, [], [[1.0]], [1, 2.5]])
def test_tensor_infers_dtype(data):
    same(tg.tensor(data), torch.tensor(data))

@pytest.mark.parametrize('np_dtype', [np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_, np.int16, np.float16])
def test_from_numpy_shares_memory(np_dtype):
    a = np.arange(6).astype(np_dtype).reshape(2, 3)
    t, r = tg.from_numpy(a), torch.from_numpy(a.copy())
    same(t, r)
    a[0, 0] = 1
    assert t[0, 0].item() == 1
    assert tg.tensor(a).dtype == tg.from_numpy(a).dtype

def test_numpy_shares_memory_both_ways():
    a = tg.ones(5); b = a.numpy(); a += 1; b += 1
    assert a.tolist() == [3.0] * 5

def test_like_and_new():
    x = tg.tensor([5.5, 3]).new_ones(5, 3, dtype=tg.float64)
    tx = torch.tensor([5.5, 3]).new_ones(5, 3, dtype=torch.float64)
    same(x, tx)
    for fn in ['zeros_like', 'ones_like', 'empty_like', 'rand_like', 'randn_like']:
        o, t = getattr(tg, fn)(x), getattr(torch, fn)(tx)
        assert o.shape == t.shape and str(o.dtype) == str(t.dtype)
    same(tg.full_like(x, 7), torch.full_like(tx, 7))
    same(x.new_zeros((2,)), tx.new_zeros((2,)))
    same(x.new_full((2,), 3), tx.new_full((2,), 3))
    same(x.new_tensor([1, 2]), tx.new_tensor([1, 2]))

def test_size_prints_like_torch():
    assert repr(tg.zeros(5, 3).size()) == repr(torch.zeros(5, 3).size()) == 'torch.Size([5, 3])'
    assert tg.zeros(5, 3).shape == (5, 3) and tg.zeros(2, 3, 4).size(1) == 3 and tg.zeros(2, 3).size(-1) == 3

@pytest.mark.parametrize('shape,new', [((5, 3), (15,)), ((5, 3), (-1, 5)), ((2, 3, 4), (4, -1)), ((6,), (2, 3)), ((), (1,)), ((1,), ())])
def test_view_shares_memory(shape, new):
    n = int(np.prod(shape))
    x, tx = tg.arange(n).reshape(shape).float(), torch.arange(n).reshape(shape).float()
    y, ty = x.view(new), tx.view(new)
    same(y, ty)
    y += 1; ty += 1
    same(x, tx)
    assert y._version == x._version == 1

def test_view_errors_like_torch():
    x, tx = tg.arange(12).view(3, 4).t(), torch.arange(12).view(3, 4).t()
    with pytest.raises(RuntimeError) as e1: tx.view(12)
    with pytest.raises(RuntimeError) as e2: x.view(12)
    assert str(e2.value).split('.')[0] == str(e1.value).split('.')[0]
    for bad in [(3, 4), (-1, -1), (4, -1)]:
        with pytest.raises(RuntimeError) as e1: torch.arange(15).view(*bad)
        with pytest.raises(RuntimeError) as e2: tg.arange(15).view(*bad)
        assert str(e1.value) == str(e2.value)
    same(x.reshape(12), tx.reshape(12))
    same(x.contiguous().view(12), tx.contiguous().view(12))

@pytest.mark.parametrize('op', [
    lambda t: t.transpose(0, 1), lambda t: t.permute(2, 0, 1), lambda t: t.permute((1, 2, 0)), lambda t: t[1], lambda t: t[:, 1:3],
    lambda t: t[..., ::2], lambda t: t[None, 0, :, None], lambda t: t.unsqueeze(1), lambda t: t[:, :1].squeeze(1),
    lambda t: t[:1].squeeze(), lambda t: t[:1, :1].squeeze((0, 1)), lambda t: t.narrow(2, 1, 2), lambda t: t.select(1, 2),
    lambda t: t.movedim(0, 2), lambda t: t.flatten(1), lambda t: t.flatten(0, 1), lambda t: t.unflatten(2, (2, 2)),
    lambda t: t[0].t(), lambda t: t.mT, lambda t: t[:, :, :1].expand(2, 3, 5), lambda t: t.chunk(2, dim=2)[1],
    lambda t: t.split([1, 2], dim=1)[1], lambda t: t.unbind(1)[2], lambda t: t[-1, -2],
])
def test_views_match_torch_and_share_memory(op):
    x, tx = tg.arange(24.).reshape(2, 3, 4), torch.arange(24.).reshape(2, 3, 4)
    y, ty = op(x), op(tx)
    same(y, ty)
    assert [s for s, n in zip(y.stride(), y.shape) if n > 1] == [s for s, n in zip(ty.stride(), ty.shape) if n > 1]
    if ty._base is not None and ty.numel() and not ty.stride().__contains__(0):
        y.fill_(-1) if y.ndim == 0 else y.mul_(-1); ty.fill_(-1) if ty.ndim == 0 else ty.mul_(-1)
        same(x, tx)

def test_seed000_memory_examples():
    x = tg.rand(5, 3, dtype=tg.float64)
    y = x[0, :]; y += 1
    assert x[0, :].tolist() == y.tolist()
    y, z = x.view(15), x.view(-1, 5)
    assert (x.size(), y.size(), z.size()) == ((5, 3), (15,), (3, 5))
    x += 1
    np.testing.assert_array_equal(y.numpy(), x.numpy().ravel())
    x_cp = x.clone().view(15); x -= 1
    assert not np.allclose(x_cp.numpy(), x.numpy().ravel())

def test_advanced_indexing_copies():
    x, tx = tg.arange(10.), torch.arange(10.)
    for idx in ([1, 3], tg.tensor([1, 3]), tg.tensor([True, False] * 5)):
        tidx = torch.tensor(idx.tolist()) if isinstance(idx, tg.Tensor) else idx
        same(x[idx], tx[tidx])
    y = x[[1, 3]]; y += 100
    assert x[1].item() == 1

@pytest.mark.parametrize('idx', [5, -4, (0, 5)])
def test_index_errors(idx):
    x, tx = tg.zeros(3, 3) if isinstance(idx, tuple) else tg.zeros(3), torch.zeros(3, 3) if isinstance(idx, tuple) else torch.zeros(3)
    with pytest.raises(IndexError) as e1: tx[idx]
    with pytest.raises(IndexError) as e2: x[idx]
    assert str(e1.value) == str(e2.value)

def test_bad_dim_error():
    with pytest.raises(IndexError) as e1: torch.zeros(2, 3).transpose(0, 2)
    with pytest.raises(IndexError) as e2: tg.zeros(2, 3).transpose(0, 2)
    assert str(e1.value) == str(e2.value)

@pytest.mark.parametrize('conv', ['float', 'double', 'half', 'long', 'int', 'short', 'bool', 'byte', 'char'])
def test_dtype_conversions(conv):
    x, tx = tg.tensor([1.5, -2., 0.]), torch.tensor([1.5, -2., 0.])
    same(getattr(x, conv)(), getattr(tx, conv)())

def test_to_and_type():
    a1, ta = tg.tensor([1, 2, 3, 4]), torch.tensor([1, 2, 3, 4])
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        same(tg.tensor(a1, dtype=tg.float32), torch.tensor(ta, dtype=torch.float32))
    assert a1.to(tg.int64) is a1
    same(a1.to(tg.float64), ta.to(torch.float64)); same(a1.to('cpu', tg.float16), ta.to('cpu', torch.float16))
    assert a1.type() == ta.type() == 'torch.LongTensor'
    same(a1.type(tg.float32), ta.type(torch.float32))
    assert a1.to(tg.float32, copy=True) is not a1

def test_item_tolist_protocols():
    t = torch.tensor([[1, 2], [3, 4]]); o = tg.tensor([[1, 2], [3, 4]])
    assert o.tolist() == t.tolist() and o[1, 0].item() == t[1, 0].item()
    assert float(tg.tensor([2.5])) == 2.5 and int(tg.tensor(3)) == 3
    assert len(o) == 2 and [r.tolist() for r in o] == [r.tolist() for r in t]
    with pytest.raises(RuntimeError): bool(tg.zeros(2))
    with pytest.raises(TypeError): len(tg.tensor(1.))
    with pytest.raises(RuntimeError) as e: tg.zeros(2).item()
    assert 'a Tensor with 2 elements cannot be converted to Scalar' in str(e.value)

@pytest.mark.parametrize('op,arg', [('add_', 2), ('sub_', 0.5), ('mul_', 3), ('div_', 4.0)])
def test_inplace_ops(op, arg):
    x, tx = tg.arange(6.).view(2, 3), torch.arange(6.).view(2, 3)
    getattr(x, op)(arg); getattr(tx, op)(arg); same(x, tx)
    getattr(x, op)(tg.tensor([1., 2., 3.])); getattr(tx, op)(torch.tensor([1., 2., 3.])); same(x, tx)
    assert x._version == tx._version

def test_inplace_errors_like_torch():
    for fn in [lambda m: m.arange(3).add_(0.5), lambda m: m.zeros(3).add_(m.zeros(2, 3)), lambda m: m.arange(3).div_(2)]:
        with pytest.raises(RuntimeError) as e1: fn(torch)
        with pytest.raises(RuntimeError) as e2: fn(tg)
        assert str(e1.value) == str(e2.value)

def test_fill_zero_copy_clamp():
    x, tx = tg.zeros(2, 3), torch.zeros(2, 3)
    x[0].fill_(1); tx[0].fill_(1); same(x, tx)
    x.copy_(tg.tensor([1., 2., 3.])); tx.copy_(torch.tensor([1., 2., 3.])); same(x, tx)
    same(tg.tensor([-2., 0.5, 3.]).clamp_(-1, 1), torch.tensor([-2., 0.5, 3.]).clamp_(-1, 1))
    x.zero_(); tx.zero_(); same(x, tx)

def test_leaf_requires_grad_rules():
    for fn in [lambda m: m.tensor([1, 2], requires_grad=True), lambda m: m.tensor([1.]).add_(1) if False else m.arange(3).requires_grad_()]:
        with pytest.raises(RuntimeError) as e1: fn(torch)
        with pytest.raises(RuntimeError) as e2: fn(tg)
        assert str(e1.value) == str(e2.value)
    x = tg.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match='Use tensor.detach\\(\\).numpy\\(\\) instead'): x.numpy()
    assert x.detach().numpy().tolist() == [1.0, 1.0]

def test_promotion_matches_torch():
    dts = ['bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32', 'float64', 'complex64', 'complex128']
    for a in dts:
        for b in dts:
            t = torch.promote_types(getattr(torch, a), getattr(torch, b))
            o = tg.promote_types(getattr(tg, a if a != 'bool' else 'bool_'), getattr(tg, b if b != 'bool' else 'bool_'))
            assert str(o) == str(t), (a, b)

def test_manual_seed_repeatable():
    tg.manual_seed(1729); r1 = tg.rand(2, 2); r2 = tg.rand(2, 2)
    tg.manual_seed(1729); r3 = tg.rand(2, 2)
    assert r1.tolist() == r3.tolist() and r1.tolist() != r2.tolist()
    assert sorted(tg.randperm(10).tolist()) == list(range(10))
    assert tg.randint(0, 10, (3, 4)).dtype == tg.int64 and tg.randn(2, 3, dtype=tg.float64).dtype == tg.float64

def test_seed000_creation_snippets():
    assert tg.empty(5, 3).shape == (5, 3)
    same(tg.zeros(5, 3, dtype=tg.long), torch.zeros(5, 3, dtype=torch.long))
    same(tg.tensor([5.5, 3]), torch.tensor([5.5, 3]))
    same(tg.arange(10, 30, 5), torch.arange(10, 30, 5))
    same(tg.linspace(2, 10, steps=9), torch.linspace(2, 10, steps=9))
    input1 = tg.tensor(range(2 * 3 * 4 * 5)).view(2, 3, 4, 5)
    assert tg.flatten(input1, start_dim=1, end_dim=2).shape == (2, 12, 5) if hasattr(tg, 'flatten') else input1.flatten(1, 2).shape == (2, 12, 5)
    x = tg.randn(1); assert isinstance(x.item(), float)
