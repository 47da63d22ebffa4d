"""Edge cases of elementwise ops and reductions found by an audit against PyTorch (one test per fix)."""
import math
import numpy as np
import pytest
import torch
import tinygrad_edu as tg

def T(a):
    "The same data as a torch tensor and a tinygrad_edu tensor (dtypes kept exactly)."
    a = np.asarray(a)
    return torch.from_numpy(a.copy()), tg.from_numpy(a.copy())

def check(ours, theirs, atol=1e-5):
    "Same dtype, shape and values (NaNs equal)."
    assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=atol, rtol=atol, equal_nan=True)

@pytest.mark.parametrize('dt', ['int32', 'int64', 'uint8'])
def test_int_pow_negative_tensor_exponent(dt):
    base = np.array([2, -1, 1, -1, 0, 3, 0], dt) if dt != 'uint8' else np.array([2, 1, 0, 3], dt)
    ex = np.array([-1, -3, -2, -2, 2, 0, -1], 'int64')[:len(base)]
    (tb, ob), (te, oe) = T(base), T(ex)
    check(ob ** oe, tb ** te)
    check(ob.pow(oe), torch.pow(tb, te))
    check(2 ** oe, 2 ** te)
    check(tg.pow(-1, oe), torch.pow(-1, te))
    with pytest.raises(RuntimeError, match='Integers to negative integer powers'): ob ** -1   # a scalar exponent still raises

@pytest.mark.parametrize('dt', ['int32', 'int64', 'bool', 'float16', 'float32', 'float64'])
@pytest.mark.parametrize('other', [2, 2.5, True, -3])
def test_xlogy_scalar_dtype(dt, other):
    t, o = T(np.array([0, 1, 2], dt) if dt != 'bool' else np.array([True, False]))
    check(o.xlogy(other), t.xlogy(other))
    check(tg.xlogy(o, other), torch.xlogy(t, other))

def test_sign_nan():
    t, o = T(np.array([-2., np.nan, 0., 3., -np.inf], 'float32'))
    check(o.sign(), t.sign()); check(tg.sign(o), torch.sign(t)); check(o.sgn(), t.sgn())
    t.requires_grad_(); o.requires_grad_()
    t.abs().sum().backward(); o.abs().sum().backward()
    check(o.grad, t.grad)                                   # abs' gradient at NaN is sgn(NaN) = 0

@pytest.mark.parametrize('fn', ['argmax', 'argmin'])
@pytest.mark.parametrize('shape', [(), (3,), (3, 4)])
def test_arg_keepdim_without_dim(fn, shape):
    t, o = T(np.arange(int(np.prod(shape)), dtype='float32').reshape(shape)[::-1] if shape else np.float32(2))
    check(getattr(o, fn)(keepdim=True), getattr(t, fn)(keepdim=True))
    check(getattr(tg, fn)(o, None, True), getattr(torch, fn)(t, None, True))

@pytest.mark.parametrize('fn', ['nansum', 'nanmean'])
@pytest.mark.parametrize('shape', [(0,), (2, 0), (3, 4)])
def test_nan_reductions_keepdim_without_dim(fn, shape):
    a = np.random.default_rng(0).uniform(-1, 1, shape).astype('float32')
    if a.size: a[0, 1] = np.nan
    t, o = T(a)
    check(getattr(o, fn)(keepdim=True), getattr(t, fn)(keepdim=True))
    check(getattr(tg, fn)(o, None, True), getattr(torch, fn)(t, None, True))

@pytest.mark.parametrize('dt', ['int32', 'int64', 'bool'])
def test_nanmean_integer_raises(dt):
    t, o = T(np.array([1, 0, 1], dt))
    with pytest.raises(RuntimeError) as e1: torch.nanmean(t)
    with pytest.raises(RuntimeError) as e2: tg.nanmean(o)
    assert str(e1.value) == str(e2.value)
    with pytest.raises(RuntimeError): o.nanmean(0)

@pytest.mark.parametrize('d1', ['int32', 'int64', 'bool', 'float16', 'float32', 'float64'])
@pytest.mark.parametrize('d2', ['int32', 'bool', 'float16', 'float32', 'float64'])
def test_copysign_ldexp_promote(d1, d2):
    rng = np.random.default_rng(1)
    a = rng.integers(-3, 4, 5).astype(d1) if d1 != 'bool' else rng.random(5) > .5
    b = rng.integers(-3, 4, 5).astype(d2) if d2 != 'bool' else rng.random(5) > .5
    (ta, oa), (tb, ob) = T(a), T(b)
    check(tg.copysign(oa, ob), torch.copysign(ta, tb), atol=1e-3)
    if 'bool' in (d1, d2): return                           # (torch: ldexp not implemented for bool)
    check(tg.ldexp(oa, ob), torch.ldexp(ta, tb), atol=1e-3)
    check(oa.ldexp(ob), ta.ldexp(tb), atol=1e-3)

@pytest.mark.parametrize('base', [2, 2.5, -3])
def test_float_power_scalar_base(base):
    t, o = T(np.array([-1, 0, 2], 'int32'))
    check(tg.float_power(base, o), torch.float_power(base, t))

@pytest.mark.parametrize('fn', ['softmax', 'log_softmax'])
@pytest.mark.parametrize('shape,dim', [((0,), 0), ((2, 0), 1), ((2, 0), 0), ((0, 3), -1)])
def test_softmax_empty(fn, shape, dim):
    t, o = T(np.zeros(shape, 'float32'))
    t.requires_grad_(); o.requires_grad_()
    rt, ro = getattr(torch, fn)(t, dim), getattr(tg, fn)(o, dim)
    check(ro, rt); check(getattr(o, fn)(dim), getattr(t, fn)(dim))
    rt.sum().backward(); ro.sum().backward()
    check(o.grad, t.grad)

@pytest.mark.parametrize('shape,dim', [((0,), None), ((0,), 0), ((2, 0), 1), ((2, 0), 0), ((0, 3), 0)])
@pytest.mark.parametrize('keepdim', [False, True])
def test_prod_grad_empty(shape, dim, keepdim):
    t, o = T(np.zeros(shape, 'float64'))
    t.requires_grad_(); o.requires_grad_()
    rt = t.prod() if dim is None else t.prod(dim, keepdim)
    ro = o.prod() if dim is None else o.prod(dim, keepdim)
    check(ro, rt)
    rt.sum().backward(); ro.sum().backward()
    check(o.grad, t.grad)

@pytest.mark.parametrize('keepdim', [False, True])
@pytest.mark.parametrize('dim', [0, 1, -1])
def test_median_dim_nan(dim, keepdim):
    t, o = T(np.array([[1., np.nan, 3.], [2., 5., -1.], [np.nan, 0., np.nan]], 'float32'))
    t.requires_grad_(); o.requires_grad_()
    rt, ro = t.median(dim, keepdim), o.median(dim, keepdim)
    check(ro.values, rt.values); check(ro.indices, rt.indices)
    check(tg.median(o, dim, keepdim).values, torch.median(t, dim, keepdim).values)
    rt.values.sum().backward(); ro.values.sum().backward()
    check(o.grad, t.grad)

@pytest.mark.parametrize('dt', ['int64', 'float32'])
@pytest.mark.parametrize('dim', [0, -1])
def test_median_kthvalue_0d(dt, dim):
    t, o = T(np.array(3, dt))
    for f in (lambda x: x.median(dim), lambda x: x.median(dim, True), lambda x: x.kthvalue(1, dim)):
        rt, ro = f(t), f(o)
        check(ro.values, rt.values); check(ro.indices, rt.indices)

def test_median_empty_dim_error():
    t, o = T(np.zeros((2, 0), 'int64'))
    with pytest.raises(IndexError) as e1: t.median(1)
    with pytest.raises(IndexError) as e2: o.median(1)
    assert str(e1.value) == str(e2.value)

@pytest.mark.parametrize('fn', ['std', 'var', 'std_mean', 'var_mean'])
@pytest.mark.parametrize('dim', [None, 0, 5, (0, 0)])
def test_spread_integer_error_first(fn, dim):
    t, o = T(np.arange(6, dtype='int64').reshape(2, 3))
    with pytest.raises(RuntimeError) as e1: getattr(torch, fn)(t, dim)
    with pytest.raises(RuntimeError) as e2: getattr(tg, fn)(o, dim)
    assert str(e1.value) == str(e2.value)

@pytest.mark.parametrize('fn', ['maximum', 'minimum', 'fmax', 'fmin'])
def test_extremum_nan_gradient(fn):
    (ta, oa), (tb, ob) = T(np.array([np.nan, 1., np.nan, 2., 3.], 'float32')), T(np.array([0., np.nan, np.nan, 2., 1.], 'float32'))
    for t in (ta, oa, tb, ob): t.requires_grad_()
    rt, ro = getattr(torch, fn)(ta, tb), getattr(tg, fn)(oa, ob)
    check(ro, rt)
    rt.sum().backward(); ro.sum().backward()
    check(oa.grad, ta.grad); check(ob.grad, tb.grad)

def test_relu_nan_gradient():
    t, o = T(np.array([np.nan, -1., 0., 2.], 'float32'))
    t.requires_grad_(); o.requires_grad_()
    torch.relu(t).sum().backward(); tg.relu(o).sum().backward()
    check(o.grad, t.grad)

def test_invert_float_and_bool_minus_scalar():
    for make in (lambda L: ~L.tensor([1.5]), lambda L: L.tensor([True]) - True, lambda L: True - L.tensor([True])):
        with pytest.raises(Exception) as e1: make(torch)
        with pytest.raises(Exception) as e2: make(tg)
        assert type(e1.value) is type(e2.value) and str(e1.value) == str(e2.value)
    check(~tg.tensor([1, -2]), ~torch.tensor([1, -2])); check(~tg.tensor([True, False]), ~torch.tensor([True, False]))

@pytest.mark.parametrize('src,dt', [('int64', None), ('float32', 'int64'), ('int32', 'int32'), ('bool', None)])
@pytest.mark.parametrize('dim', [None, 0])
def test_mean_dtype_error(src, dt, dim):
    t, o = T(np.ones(3, src))
    kw = {} if dt is None else {'dtype': getattr(torch, dt)}
    with pytest.raises(RuntimeError) as e1: t.mean(dim, **kw) if dim is not None else t.mean(**kw)
    kw = {} if dt is None else {'dtype': getattr(tg, dt)}
    with pytest.raises(RuntimeError) as e2: o.mean(dim, **kw) if dim is not None else o.mean(**kw)
    assert str(e1.value) == str(e2.value)
