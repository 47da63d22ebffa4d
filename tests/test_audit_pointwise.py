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
