"""Volumetric (3-D) layers against torch: F.conv3d, 3-D pooling (max with indices, avg, adaptive), F.dropout3d,
InstanceNorm3d and the 3-D pads; values and gradients (float32, float64), reprs, state_dict keys, default
initialisation after the same seed, and the errors PyTorch raises."""
import warnings
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import tinygrad_edu as T
import tinygrad_edu.nn as tnn
import tinygrad_edu.nn.functional as TF

DTYPES = [(np.float32, 1e-4), (np.float64, 1e-10)]


def pair(a, requires_grad=True):
    return (torch.tensor(a, requires_grad=requires_grad), T.tensor(a, requires_grad=requires_grad))


def close(a, b, tol):
    a = a.detach().numpy() if hasattr(a, 'detach') else a
    b = b.detach().numpy() if hasattr(b, 'detach') else b
    assert a.shape == b.shape, (a.shape, b.shape)
    np.testing.assert_allclose(b, a, rtol=tol, atol=tol)


def check_fn(f_torch, f_ours, arrays, tol, indices=False):
    "Forward values and the gradient of every input after backward of a random weighting of the output."
    ts, os_ = zip(*(pair(a) for a in arrays))
    rt, ro = f_torch(*ts), f_ours(*os_)
    if indices:
        np.testing.assert_array_equal(ro[1].numpy(), rt[1].numpy()); rt, ro = rt[0], ro[0]
    close(rt, ro, tol)
    g = np.random.default_rng(1).standard_normal(tuple(rt.shape)).astype(arrays[0].dtype)
    rt.backward(torch.tensor(g)); ro.backward(T.tensor(g))
    for t, o in zip(ts, os_): close(t.grad, o.grad, tol)


def rand(*shape, dtype=np.float64, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---------------------------------------------------------------- conv3d
CONV = [((2, 4, 5, 6, 7), (6, 4, 3, 2, 3), dict()),
        ((2, 4, 5, 6, 7), (6, 4, 3, 3, 3), dict(stride=2, padding=1)),
        ((1, 4, 5, 6, 7), (6, 2, 2, 3, 2), dict(groups=2, stride=(1, 2, 3), dilation=(2, 1, 1))),
        ((2, 2, 5, 6, 4), (3, 2, 2, 3, 2), dict(padding='same')),
        ((2, 2, 5, 6, 4), (3, 2, 3, 3, 3), dict(padding='same', dilation=2)),
        ((2, 2, 5, 6, 4), (3, 2, 3, 2, 2), dict(padding='valid')),
        ((2, 5, 6, 4), (3, 2, 3, 2, 2), dict(padding=(1, 0, 2))),                     # unbatched
        ((1, 3, 4, 4, 4), (3, 1, 3, 1, 3), dict(groups=3, padding=(0, 1, 1), stride=(2, 1, 2)))]


@pytest.mark.parametrize('dt,tol', DTYPES)
@pytest.mark.parametrize('xs,ws,kw', CONV)
def test_conv3d(dt, tol, xs, ws, kw):
    arrays = [rand(*xs, dtype=dt), rand(*ws, dtype=dt, seed=1), rand(ws[0], dtype=dt, seed=2)]
    check_fn(lambda x, w, b: F.conv3d(x, w, b, **kw), lambda x, w, b: TF.conv3d(x, w, b, **kw), arrays, tol)


def test_conv3d_no_bias():
    check_fn(lambda x, w: F.conv3d(x, w, stride=2), lambda x, w: TF.conv3d(x, w, stride=2),
             [rand(1, 2, 5, 5, 5), rand(4, 2, 3, 3, 3, seed=1)], 1e-10)


def test_conv3d_module_init_repr_state_dict():
    for args, kw in [((2, 4, 3), {}), ((2, 4, (1, 2, 3)), dict(stride=2, padding=1, bias=False)),
                     ((4, 6, 3), dict(groups=2, dilation=2, padding='same')), ((2, 3, 3), dict(padding_mode='circular', padding=1))]:
        torch.manual_seed(3); m = torch.nn.Conv3d(*args, **kw)
        T.manual_seed(3); o = tnn.Conv3d(*args, **kw)
        assert repr(o) == repr(m)
        assert list(o.state_dict()) == list(m.state_dict())
        for k, v in m.state_dict().items(): np.testing.assert_array_equal(o.state_dict()[k].numpy(), v.numpy())
        x = rand(2, args[0], 5, 6, 5, dtype=np.float32)
        close(m(torch.tensor(x)), o(T.tensor(x)), 1e-4)


@pytest.mark.parametrize('mode', ['reflect', 'replicate', 'circular'])
def test_conv3d_padding_modes(mode):
    torch.manual_seed(0); m = torch.nn.Conv3d(2, 3, 3, padding=1, padding_mode=mode, dtype=torch.float64)
    o = tnn.Conv3d(2, 3, 3, padding=1, padding_mode=mode, dtype=T.float64)
    o.load_state_dict({k: T.tensor(v.numpy()) for k, v in m.state_dict().items()})
    x = rand(1, 2, 4, 5, 4)
    close(m(torch.tensor(x)), o(T.tensor(x)), 1e-10)


def err(f_torch, f_ours):
    with pytest.raises(Exception) as et: f_torch()
    with pytest.raises(Exception) as eo: f_ours()
    assert type(eo.value) is type(et.value) and str(eo.value) == str(et.value), (et.value, eo.value)


def both(shape, dtype=np.float32):
    a = rand(*shape, dtype=dtype); return torch.tensor(a), T.tensor(a)


def test_conv3d_errors():
    (x3, X3), (w, W) = both((3, 4, 5)), both((2, 3, 1, 1, 1))
    err(lambda: F.conv3d(x3, w), lambda: TF.conv3d(X3, W))
    (x, X), (w, W) = both((1, 3, 2, 5, 5)), both((2, 3, 3, 3, 3))
    err(lambda: F.conv3d(x, w), lambda: TF.conv3d(X, W))
    (x, X), (w, W) = both((1, 4, 3, 5, 5)), both((2, 3, 1, 1, 1))
    err(lambda: F.conv3d(x, w), lambda: TF.conv3d(X, W))
    (w, W) = both((2, 4, 1, 1, 1))
    err(lambda: F.conv3d(x, w, stride=2, padding='same'), lambda: TF.conv3d(X, W, stride=2, padding='same'))
    err(lambda: F.conv3d(x, w, padding='bad'), lambda: TF.conv3d(X, W, padding='bad'))
    err(lambda: F.conv3d(x, w, padding=(1, 1)), lambda: TF.conv3d(X, W, padding=(1, 1)))
    for kw in [dict(groups=0), dict(padding='bad'), dict(in_channels=3, groups=2)]:
        args = dict(in_channels=4, out_channels=4, kernel_size=3); args.update(kw)
        err(lambda: torch.nn.Conv3d(**args), lambda: tnn.Conv3d(**args))


# ---------------------------------------------------------------- pooling
MAX = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=(2, 3, 2), dilation=(2, 1, 1), ceil_mode=True),
       dict(kernel_size=(1, 2, 3), stride=(1, 1, 2), padding=(0, 1, 1)), dict(kernel_size=3, stride=2, ceil_mode=True)]


@pytest.mark.parametrize('dt,tol', DTYPES)
@pytest.mark.parametrize('kw', MAX)
def test_max_pool3d(dt, tol, kw):
    check_fn(lambda x: F.max_pool3d(x, return_indices=True, **kw), lambda x: TF.max_pool3d(x, return_indices=True, **kw),
             [rand(2, 3, 6, 7, 8, dtype=dt)], tol, indices=True)
    check_fn(lambda x: F.max_pool3d(x, **kw), lambda x: TF.max_pool3d(x, **kw), [rand(3, 6, 7, 5, dtype=dt)], tol)  # unbatched


AVG = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
       dict(kernel_size=2, ceil_mode=True), dict(kernel_size=(3, 2, 2), padding=1, ceil_mode=True, count_include_pad=False),
       dict(kernel_size=(3, 2, 2), stride=(2, 1, 3), padding=(1, 0, 1), ceil_mode=True, divisor_override=5)]


@pytest.mark.parametrize('dt,tol', DTYPES)
@pytest.mark.parametrize('kw', AVG)
def test_avg_pool3d(dt, tol, kw):
    check_fn(lambda x: F.avg_pool3d(x, **kw), lambda x: TF.avg_pool3d(x, **kw), [rand(2, 3, 5, 6, 7, dtype=dt)], tol)
    check_fn(lambda x: F.avg_pool3d(x, **kw), lambda x: TF.avg_pool3d(x, **kw), [rand(3, 5, 6, 7, dtype=dt)], tol)


@pytest.mark.parametrize('dt,tol', DTYPES)
@pytest.mark.parametrize('osz', [1, 2, (2, 3, 4), (None, 2, 5), (3, None, 1), (7, 1, 3)])
def test_adaptive_pool3d(dt, tol, osz):
    check_fn(lambda x: F.adaptive_avg_pool3d(x, osz), lambda x: TF.adaptive_avg_pool3d(x, osz), [rand(2, 3, 5, 6, 7, dtype=dt)], tol)
    check_fn(lambda x: F.adaptive_max_pool3d(x, osz, True), lambda x: TF.adaptive_max_pool3d(x, osz, True),
             [rand(2, 3, 5, 6, 7, dtype=dt)], tol, indices=True)
    check_fn(lambda x: F.adaptive_avg_pool3d(x, osz), lambda x: TF.adaptive_avg_pool3d(x, osz), [rand(3, 5, 6, 7, dtype=dt)], tol)
    check_fn(lambda x: F.adaptive_max_pool3d(x, osz), lambda x: TF.adaptive_max_pool3d(x, osz), [rand(3, 5, 6, 7, dtype=dt)], tol)


def test_pool_modules():
    x = rand(2, 3, 6, 7, 8, dtype=np.float32)
    for m, o in [(torch.nn.MaxPool3d(2), tnn.MaxPool3d(2)), (torch.nn.MaxPool3d((1, 2, 2), stride=(1, 1, 1)), tnn.MaxPool3d((1, 2, 2), stride=(1, 1, 1))),
                 (torch.nn.MaxPool3d(3, 2, 1, return_indices=True), tnn.MaxPool3d(3, 2, 1, return_indices=True)),
                 (torch.nn.AvgPool3d(2), tnn.AvgPool3d(2)), (torch.nn.AvgPool3d(3, 2, 1, ceil_mode=True, count_include_pad=False, divisor_override=4),
                                                          tnn.AvgPool3d(3, 2, 1, ceil_mode=True, count_include_pad=False, divisor_override=4)),
                 (torch.nn.AdaptiveAvgPool3d((1, None, 2)), tnn.AdaptiveAvgPool3d((1, None, 2))),
                 (torch.nn.AdaptiveMaxPool3d(2), tnn.AdaptiveMaxPool3d(2)), (torch.nn.AdaptiveMaxPool3d(2, True), tnn.AdaptiveMaxPool3d(2, True))]:
        assert repr(o) == repr(m) and list(o.state_dict()) == []
        rt, ro = m(torch.tensor(x)), o(T.tensor(x))
        if isinstance(rt, tuple):
            np.testing.assert_array_equal(ro[1].numpy(), rt[1].numpy()); rt, ro = rt[0], ro[0]
        close(rt, ro, 1e-6)


def test_pool_errors():
    (x3, X3), (x, X) = both((3, 4, 5)), both((2, 3, 4, 5, 6))
    err(lambda: F.max_pool3d(x3, 2), lambda: TF.max_pool3d(X3, 2))
    err(lambda: F.max_pool3d(x, 5), lambda: TF.max_pool3d(X, 5))
    err(lambda: F.max_pool3d(x, 2, padding=2), lambda: TF.max_pool3d(X, 2, padding=2))
    err(lambda: F.avg_pool3d(x3, 2), lambda: TF.avg_pool3d(X3, 2))
    err(lambda: F.avg_pool3d(x, 5), lambda: TF.avg_pool3d(X, 5))
    err(lambda: F.avg_pool3d(x, 2, padding=2), lambda: TF.avg_pool3d(X, 2, padding=2))
    err(lambda: F.avg_pool3d(x, 2, divisor_override=0), lambda: TF.avg_pool3d(X, 2, divisor_override=0))
    err(lambda: F.adaptive_avg_pool3d(x3, 2), lambda: TF.adaptive_avg_pool3d(X3, 2))
    err(lambda: F.adaptive_max_pool3d(x3, 2), lambda: TF.adaptive_max_pool3d(X3, 2))


# ---------------------------------------------------------------- dropout3d
def test_dropout3d():
    x = T.ones(4, 8, 2, 3, 3)
    y = TF.dropout3d(x, 0.5).numpy().reshape(32, -1)
    assert set(np.unique(y)) <= {0., 2.} and (y.std(1) == 0).all() and 0 < (y[:, 0] == 0).sum() < 32
    assert TF.dropout3d(x, 0.5, training=False) is x
    np.testing.assert_array_equal(TF.dropout3d(x, 1.).numpy(), 0)
    assert TF.dropout3d(T.ones(8, 2, 3, 3), 0.5).numpy().reshape(8, -1).std(1).max() == 0      # unbatched (C, D, H, W)
    m = tnn.Dropout3d(0.2)
    assert repr(m) == repr(torch.nn.Dropout3d(0.2)) and list(m.state_dict()) == []
    assert m.eval()(x) is x
    err(lambda: F.dropout3d(torch.ones(2, 3, 4, 5, 6), 1.5), lambda: TF.dropout3d(x, 1.5))
    err(lambda: torch.nn.Dropout3d(-0.1), lambda: tnn.Dropout3d(-0.1))
    with warnings.catch_warnings(record=True) as wt: warnings.simplefilter('always'); F.dropout3d(torch.ones(3, 4, 5))
    with warnings.catch_warnings(record=True) as wo: warnings.simplefilter('always'); TF.dropout3d(T.ones(3, 4, 5))
    assert [str(w.message) for w in wo] == [str(w.message) for w in wt]


def test_dropout3d_grad():
    x = T.tensor(rand(2, 3, 2, 2, 2), requires_grad=True)
    T.manual_seed(0); y = TF.dropout3d(x, 0.5); y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), (y.detach().numpy() != 0) * 2.)


# ---------------------------------------------------------------- InstanceNorm3d
@pytest.mark.parametrize('dt,tol', DTYPES)
@pytest.mark.parametrize('kw', [dict(), dict(affine=True), dict(affine=True, track_running_stats=True)])
def test_instance_norm3d(dt, tol, kw):
    m, o = torch.nn.InstanceNorm3d(3, **kw).to(torch.float64 if dt == np.float64 else torch.float32), tnn.InstanceNorm3d(3, dtype=T.float64 if dt == np.float64 else None, **kw)
    assert repr(o) == repr(m) and list(o.state_dict()) == list(m.state_dict())
    if kw.get('affine'):
        with torch.no_grad(): m.weight.copy_(torch.tensor(rand(3, dtype=dt, seed=5))); m.bias.copy_(torch.tensor(rand(3, dtype=dt, seed=6)))
        o.load_state_dict({k: T.tensor(v.numpy()) for k, v in m.state_dict().items()})
    check_fn(m, o, [rand(2, 3, 4, 5, 3, dtype=dt) * 3 + 1], tol)
    check_fn(m, o, [rand(3, 4, 5, 3, dtype=dt)], tol)                       # unbatched
    for k, v in m.state_dict().items(): close(v, o.state_dict()[k], tol)
    m.eval(); o.eval(); close(m(torch.tensor(rand(2, 3, 2, 3, 4, dtype=dt))), o(T.tensor(rand(2, 3, 2, 3, 4, dtype=dt))), tol)


def test_instance_norm3d_errors():
    err(lambda: torch.nn.InstanceNorm3d(3)(torch.ones(3, 4, 5)), lambda: tnn.InstanceNorm3d(3)(T.ones(3, 4, 5)))
    err(lambda: torch.nn.InstanceNorm3d(3, affine=True)(torch.ones(2, 4, 2, 2, 2)), lambda: tnn.InstanceNorm3d(3, affine=True)(T.ones(2, 4, 2, 2, 2)))


# ---------------------------------------------------------------- pads
PADS = [('ZeroPad3d', (1,)), ('ZeroPad3d', ((1, 2, 0, 1, 2, 0),)), ('ConstantPad3d', ((1, 2, 3, 0, 1, 2), 2.5)), ('ConstantPad3d', (1, -1.)),
        ('ReflectionPad3d', (1,)), ('ReflectionPad3d', ((2, 1, 0, 1, 1, 2),)), ('ReplicationPad3d', ((2, 1, 0, 3, 1, 2),)),
        ('CircularPad3d', (1,)), ('CircularPad3d', ((2, 1, 0, 3, 1, 2),))]


@pytest.mark.parametrize('dt,tol', DTYPES)
@pytest.mark.parametrize('name,args', PADS)
def test_pad3d(dt, tol, name, args):
    m, o = getattr(torch.nn, name)(*args), getattr(tnn, name)(*args)
    assert repr(o) == repr(m) and list(o.state_dict()) == []
    check_fn(m, o, [rand(2, 3, 3, 4, 5, dtype=dt)], tol)
    check_fn(m, o, [rand(3, 3, 4, 5, dtype=dt)], tol)


@pytest.mark.parametrize('mode', ['constant', 'reflect', 'replicate', 'circular'])
def test_functional_pad_5d(mode):
    check_fn(lambda x: F.pad(x, (1, 2, 0, 1, 2, 1), mode), lambda x: TF.pad(x, (1, 2, 0, 1, 2, 1), mode), [rand(2, 3, 4, 5, 6)], 1e-12)


def test_reflection_pad3d_error():
    err(lambda: torch.nn.ReflectionPad3d(3)(torch.ones(1, 1, 3, 4, 4)), lambda: tnn.ReflectionPad3d(3)(T.ones(1, 1, 3, 4, 4)))


# ---------------------------------------------------------------- namespaces
def test_namespaces():
    for n in ['conv3d', 'max_pool3d', 'max_pool3d_with_indices', 'avg_pool3d', 'adaptive_avg_pool3d', 'adaptive_max_pool3d', 'dropout3d']:
        assert callable(getattr(TF, n)) and n in TF.__all__
    for n in ['Conv3d', 'MaxPool3d', 'AvgPool3d', 'AdaptiveAvgPool3d', 'AdaptiveMaxPool3d', 'Dropout3d', 'InstanceNorm3d',
              'ZeroPad3d', 'ConstantPad3d', 'ReflectionPad3d', 'ReplicationPad3d', 'CircularPad3d']:
        assert n in tnn.__all__ and isinstance(getattr(tnn, n), type)


def test_small_3d_net_trains_like_torch():
    "Conv3d -> ReLU -> MaxPool3d -> AdaptiveAvgPool3d -> Linear, one SGD step, same weights."
    def net(nn):
        return nn.Sequential(nn.Conv3d(2, 4, 3, padding=1), nn.ReLU(), nn.MaxPool3d(2), nn.InstanceNorm3d(4, affine=True),
                             nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Linear(4, 3))
    torch.manual_seed(0); m = net(torch.nn)
    T.manual_seed(0); o = net(tnn)
    for (k, v), (k2, v2) in zip(m.state_dict().items(), o.state_dict().items()):
        assert k == k2; np.testing.assert_array_equal(v2.numpy(), v.numpy())
    x = rand(2, 2, 4, 6, 6, dtype=np.float32)
    lt, lo = m(torch.tensor(x)).square().mean(), o(T.tensor(x)).square().mean()
    close(lt, lo, 1e-5); lt.backward(); lo.backward()
    for (k, p), p2 in zip(m.named_parameters(), o.parameters()): close(p.grad, p2.grad, 1e-5)
