"""Notebook 05k (nn.more_layers) and the top-level forms of 12_namespace against PyTorch: max unpooling, LP pooling and
channel shuffle (values, gradients, float32/float64, reprs, errors), lazy modules (placeholders, state_dict, class
change, same initial weights after the same seed), torch.celu & co., and F.upsample's deprecation warning."""
import math
import warnings

import numpy as np
import pytest
import torch

import tinygrad_edu as T
import tinygrad_edu.nn as tnn
import tinygrad_edu.nn.functional as TF

DTYPES = [torch.float32, torch.float64]
TOL = {torch.float32: dict(rtol=1e-5, atol=1e-6), torch.float64: dict(rtol=1e-10, atol=1e-12)}


def seed_both(s=0):
    torch.manual_seed(s); T.manual_seed(s)


def pair(a, dtype=None, grad=False):
    "The same data as a torch tensor and a tinygrad_edu tensor."
    a = np.asarray(a)
    t = torch.tensor(a, dtype=dtype) if dtype is not None else torch.tensor(a)
    u = T.tensor(a.astype(str(t.dtype).split('.')[-1]))
    if grad: t.requires_grad_(); u.requires_grad_()
    return t, u


def close(u, t, dtype=torch.float32):
    assert str(u.dtype) == str(t.dtype), (u.dtype, t.dtype)
    np.testing.assert_allclose(u.detach().numpy(), t.detach().numpy(), **TOL.get(dtype, TOL[torch.float32]))


def same_error(ft, fu):
    with pytest.raises(Exception) as et: ft()
    with pytest.raises(Exception) as eu: fu()
    assert type(eu.value) is type(et.value) and str(eu.value) == str(et.value), (eu.value, et.value)


# ---------------------------------------------------------------- max unpooling
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape,k,s,p,osize', [((2, 3, 6, 7), 2, None, 0, (6, 7)), ((2, 3, 6, 8), 2, None, 0, None), ((2, 3, 7, 7), 3, 2, 1, None),
                                               ((3, 5, 5), 2, 2, 0, (5, 5)), ((1, 2, 9, 8), (3, 2), (2, 2), (1, 0), [1, 2, 9, 8])])
def test_max_unpool2d(dtype, shape, k, s, p, osize):
    rng = np.random.default_rng(0)
    xt, xu = pair(rng.standard_normal(shape), dtype)
    yt, it = torch.nn.functional.max_pool2d(xt, k, s, p, return_indices=True)
    yt = yt.detach().requires_grad_(); yu = T.tensor(yt.detach().numpy()).requires_grad_(); iu = T.tensor(it.numpy())
    ot = torch.nn.functional.max_unpool2d(yt, it, k, s, p, osize)
    ou = TF.max_unpool2d(yu, iu, k, s, p, osize)
    close(ou, ot, dtype)
    g = rng.standard_normal(ot.shape)
    ot.backward(torch.tensor(g, dtype=dtype)); ou.backward(T.tensor(g.astype(str(dtype).split('.')[-1])))
    close(yu.grad, yt.grad, dtype)
    assert type(ou.grad_fn).__name__ == type(ot.grad_fn).__name__ == 'MaxUnpool2DBackward0'


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape,k,s,p,osize', [((2, 3, 9), 2, None, 0, None), ((3, 10), 3, 2, 1, (10,)), ((1, 2, 9), 2, 2, 0, (9,))])
def test_max_unpool1d(dtype, shape, k, s, p, osize):
    rng = np.random.default_rng(1)
    xt, _ = pair(rng.standard_normal(shape), dtype)
    yt, it = torch.nn.functional.max_pool1d(xt, k, s, p, return_indices=True)
    yt = yt.detach().requires_grad_(); yu = T.tensor(yt.detach().numpy()).requires_grad_(); iu = T.tensor(it.numpy())
    ot = torch.nn.functional.max_unpool1d(yt, it, k, s, p, osize); ou = TF.max_unpool1d(yu, iu, k, s, p, osize)
    close(ou, ot, dtype)
    ot.sum().backward(); (ou * 1).sum().backward()
    close(yu.grad, yt.grad, dtype)


def test_max_unpool_roundtrip_with_our_pool():
    "Indices from our own max_pool2d feed our unpool; the modules agree with torch's (including output_size=x.size())."
    x = np.arange(1., 21).reshape(1, 1, 4, 5)
    xt, xu = pair(x, torch.float32)
    pt, pu = torch.nn.MaxPool2d(2, return_indices=True), tnn.MaxPool2d(2, return_indices=True)
    (yt, it), (yu, iu) = pt(xt), pu(xu)
    close(tnn.MaxUnpool2d(2)(yu, iu, output_size=xu.size()), torch.nn.MaxUnpool2d(2)(yt, it, output_size=xt.size()))
    yt1, it1 = torch.nn.MaxPool1d(2, return_indices=True)(xt[0])
    yu1, iu1 = tnn.MaxPool1d(2, return_indices=True)(xu[0])
    close(tnn.MaxUnpool1d(2)(yu1, iu1), torch.nn.MaxUnpool1d(2)(yt1, it1))


def test_max_unpool_errors():
    xt = torch.randn(1, 2, 4, 4); yt, it = torch.nn.functional.max_pool2d(xt, 2, return_indices=True)
    yu, iu = T.tensor(yt.numpy()), T.tensor(it.numpy())
    Ft, Fu = torch.nn.functional, TF
    same_error(lambda: Ft.max_unpool2d(yt, it[..., :1], 2), lambda: Fu.max_unpool2d(yu, iu[..., :1], 2))
    same_error(lambda: Ft.max_unpool2d(yt, it.float(), 2), lambda: Fu.max_unpool2d(yu, iu.float(), 2))
    same_error(lambda: Ft.max_unpool2d(yt, it * 0 + 50, 2), lambda: Fu.max_unpool2d(yu, iu * 0 + 50, 2))
    same_error(lambda: Ft.max_unpool2d(yt, it, 2, output_size=(9, 9)), lambda: Fu.max_unpool2d(yu, iu, 2, output_size=(9, 9)))
    same_error(lambda: Ft.max_unpool2d(yt, it, 2, output_size=(1, 2, 3)), lambda: Fu.max_unpool2d(yu, iu, 2, output_size=(1, 2, 3)))
    same_error(lambda: Ft.max_unpool2d(yt[0, 0], it[0, 0], 2), lambda: Fu.max_unpool2d(yu[0, 0], iu[0, 0], 2))
    same_error(lambda: Ft.max_unpool2d(yt.int(), it, 2), lambda: Fu.max_unpool2d(yu.int(), iu, 2))
    same_error(lambda: Ft.max_unpool1d(yt[0, 0], it[0, 0, :, 0], 2), lambda: Fu.max_unpool1d(yu[0, 0], iu[0, 0, :, 0], 2))


# ---------------------------------------------------------------- LP pooling
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('p', [1, 2, 1.5, 3, float('inf')])
@pytest.mark.parametrize('k,s,ceil', [(2, None, False), (3, 2, True), ((2, 3), (1, 2), False)])
def test_lp_pool2d(dtype, p, k, s, ceil):
    rng = np.random.default_rng(2)
    a = rng.standard_normal((2, 3, 7, 8))
    if p not in (1, 3): a = np.abs(a) + 0.1              # fractional powers of negatives are NaN in both
    xt, xu = pair(a, dtype, grad=True)
    ot, ou = torch.nn.functional.lp_pool2d(xt, p, k, s, ceil), TF.lp_pool2d(xu, p, k, s, ceil)
    close(ou, ot, dtype)
    g = rng.standard_normal(ot.shape)
    ot.backward(torch.tensor(g, dtype=dtype)); ou.backward(T.tensor(g.astype(str(dtype).split('.')[-1])))
    close(xu.grad, xt.grad, dtype)


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('p,k,s,ceil', [(2, 2, None, False), (1, 3, 2, True), (2.5, 3, 1, False), (float('-inf'), 2, None, False)])
def test_lp_pool1d(dtype, p, k, s, ceil):
    rng = np.random.default_rng(3)
    a = np.abs(rng.standard_normal((2, 3, 9))) + 0.1
    xt, xu = pair(a, dtype, grad=True)
    ot, ou = torch.nn.functional.lp_pool1d(xt, p, k, s, ceil), TF.lp_pool1d(xu, p, k, s, ceil)
    close(ou, ot, dtype)
    ot.sum().backward(); ou.sum().backward()
    close(xu.grad, xt.grad, dtype)


def test_lp_pool_modules():
    for args in [(2, 3), (1.2, (3, 2), (2, 1)), (2, 2, 1, True)]:
        mt, mu = torch.nn.LPPool2d(*args), tnn.LPPool2d(*args)
        assert repr(mu) == repr(mt)
        xt, xu = pair(np.abs(np.random.default_rng(4).standard_normal((1, 2, 6, 6))), torch.float32)
        close(mu(xu), mt(xt))
    mt, mu = torch.nn.LPPool1d(1.5, 2, 1, True), tnn.LPPool1d(1.5, 2, 1, True)
    assert repr(mu) == repr(mt)
    xt, xu = pair(np.abs(np.random.default_rng(5).standard_normal((2, 7))) + .1, torch.float32)
    close(mu(xu), mt(xt))


# ---------------------------------------------------------------- channel shuffle
@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape,g', [((2, 6, 3, 2), 3), ((1, 4, 5), 2), ((2, 8, 1, 2, 2), 4), ((6, 2, 1), 1)])
def test_channel_shuffle(dtype, shape, g):
    a = np.random.default_rng(6).standard_normal(shape)
    xt, xu = pair(a, dtype, grad=True)
    for ft, fu in [(torch.nn.functional.channel_shuffle, TF.channel_shuffle), (torch.channel_shuffle, T.channel_shuffle),
                   (torch.native_channel_shuffle, T.native_channel_shuffle),
                   (torch.nn.ChannelShuffle(g), tnn.ChannelShuffle(g))]:
        ot, ou = (ft(xt) if isinstance(ft, torch.nn.Module) else ft(xt, g)), (fu(xu) if isinstance(fu, tnn.Module) else fu(xu, g))
        close(ou, ot, dtype)
    w = np.random.default_rng(7).standard_normal(shape)
    (torch.channel_shuffle(xt, g) * torch.tensor(w, dtype=dtype)).sum().backward()
    (T.channel_shuffle(xu, g) * T.tensor(w.astype(str(dtype).split('.')[-1]))).sum().backward()
    close(xu.grad, xt.grad, dtype)
    assert repr(tnn.ChannelShuffle(g)) == repr(torch.nn.ChannelShuffle(g))


def test_channel_shuffle_errors():
    for shape, g in [((1, 4, 2, 2), 3), ((1, 4, 2, 2), 0), ((4,), 2), ((2, 6), 3)]:
        xt, xu = torch.zeros(shape), T.zeros(shape)
        same_error(lambda: torch.nn.functional.channel_shuffle(xt, g), lambda: TF.channel_shuffle(xu, g))


# ---------------------------------------------------------------- lazy modules
def test_lazy_linear():
    mt, mu = torch.nn.LazyLinear(3), tnn.LazyLinear(3)
    assert repr(mu) == repr(mt) and type(mu).__name__ == 'LazyLinear'
    assert repr(mu.weight) == repr(mt.weight) == '<UninitializedParameter>'
    assert isinstance(mu.weight, tnn.Parameter) and isinstance(mu.weight, tnn.UninitializedParameter)
    assert list(mu.state_dict()) == list(mt.state_dict()) == ['weight', 'bias']
    assert [repr(v) for v in mu.state_dict().values()] == [repr(v) for v in mt.state_dict().values()]
    assert len(list(mu.parameters())) == len(list(mt.parameters())) == 2
    assert mu.has_uninitialized_params() and mu.in_features == mt.in_features == 0
    same_error(lambda: mt.weight.shape, lambda: mu.weight.shape)
    seed_both(0)
    x = np.random.default_rng(8).standard_normal((2, 5)).astype(np.float32)
    yt, yu = mt(torch.tensor(x)), mu(T.tensor(x))
    assert type(mu) is tnn.Linear and type(mt) is torch.nn.Linear
    assert repr(mu) == repr(mt) and type(mu.weight) is tnn.Parameter and mu.weight.requires_grad
    close(mu.weight, mt.weight); close(mu.bias, mt.bias); close(yu, yt)
    seed_both(0)
    ref = tnn.Linear(5, 3)
    np.testing.assert_array_equal(ref.weight.detach().numpy(), mu.weight.detach().numpy())
    yu.sum().backward(); yt.sum().backward()
    close(mu.weight.grad, mt.weight.grad)
    nb = tnn.LazyLinear(4, bias=False)
    assert list(nb.state_dict()) == list(torch.nn.LazyLinear(4, bias=False).state_dict()) == ['weight']
    nb(T.ones(3)); assert repr(nb) == 'Linear(in_features=3, out_features=4, bias=False)'


def test_lazy_linear_load_state_dict():
    seed_both(1)
    src_t, src_u = torch.nn.Linear(5, 3), tnn.Linear(5, 3)
    mt, mu = torch.nn.LazyLinear(3), tnn.LazyLinear(3)
    mt.load_state_dict(src_t.state_dict()); mu.load_state_dict(src_u.state_dict())
    assert tuple(mu.weight.shape) == tuple(mt.weight.shape) == (3, 5) and type(mu.weight) is tnn.Parameter
    mt(torch.ones(5)); mu(T.ones(5))
    assert repr(mu) == repr(mt) and type(mu) is tnn.Linear
    np.testing.assert_array_equal(mu.weight.detach().numpy(), src_u.weight.detach().numpy())


@pytest.mark.parametrize('kind,args,kw,shape', [('LazyConv2d', (4, 3), dict(bias=False), (1, 2, 5, 5)),
                                                 ('LazyConv2d', (6, (3, 2)), dict(stride=2, padding=1, groups=3), (2, 3, 7, 6)),
                                                 ('LazyConv2d', (4, 3), {}, (2, 5, 5)),
                                                 ('LazyConv1d', (4, 3), dict(stride=2, padding=1), (2, 3, 9)),
                                                 ('LazyConv1d', (2, 2), dict(padding_mode='reflect', padding=1), (3, 6))])
def test_lazy_conv(kind, args, kw, shape):
    mt, mu = getattr(torch.nn, kind)(*args, **kw), getattr(tnn, kind)(*args, **kw)
    assert repr(mu) == repr(mt)
    assert list(mu.state_dict()) == list(mt.state_dict())
    x = np.random.default_rng(9).standard_normal(shape).astype(np.float32)
    seed_both(2)
    yt, yu = mt(torch.tensor(x)), mu(T.tensor(x))
    assert repr(mu) == repr(mt) and type(mu).__name__ == type(mt).__name__ == kind[4:]
    close(mu.weight, mt.weight); close(yu, yt)
    if mt.bias is not None: close(mu.bias, mt.bias)


def test_lazy_conv_errors():
    same_error(lambda: torch.nn.LazyConv2d(4, 3)(torch.ones(3, 3)), lambda: tnn.LazyConv2d(4, 3)(T.ones(3, 3)))
    same_error(lambda: torch.nn.LazyConv2d(4, 3, groups=2)(torch.ones(1, 3, 5, 5)),
               lambda: tnn.LazyConv2d(4, 3, groups=2)(T.ones(1, 3, 5, 5)))


def test_lazy_in_sequential_with_optimizer():
    "The usual use: a LazyLinear head after Flatten; one forward materializes it, then an optimizer takes the parameters."
    seed_both(3)
    nt = torch.nn.Sequential(torch.nn.LazyConv2d(4, 3), torch.nn.Flatten(), torch.nn.LazyLinear(2))
    nu = tnn.Sequential(tnn.LazyConv2d(4, 3), tnn.Flatten(), tnn.LazyLinear(2))
    assert repr(nu) == repr(nt)
    x = np.random.default_rng(10).standard_normal((2, 1, 6, 6)).astype(np.float32)
    seed_both(3)
    close(nu(T.tensor(x)), nt(torch.tensor(x)))
    assert repr(nu) == repr(nt)
    assert [tuple(p.shape) for p in nu.parameters()] == [tuple(p.shape) for p in nt.parameters()]


# ---------------------------------------------------------------- top-level forms
def test_top_level_forms():
    a = np.array([-2., -0.4, -0.1, 0.2, 0.7, 3.])
    for dtype in DTYPES:
        xt, xu = pair(a, dtype)
        close(T.celu(xu), torch.celu(xt), dtype); close(T.celu(xu, 2.), torch.celu(xt, 2.), dtype)
        close(T.hardshrink(xu, 0.3), torch.hardshrink(xt, 0.3), dtype); close(xu.hardshrink(), xt.hardshrink(), dtype)
        close(T.rrelu(xu), torch.rrelu(xt), dtype)
        close(T.alpha_dropout(xu, 0.5, False), torch.alpha_dropout(xt, 0.5, False), dtype)
        close(T.feature_alpha_dropout(xu, 0.5, False), torch.feature_alpha_dropout(xt, 0.5, False), dtype)
        tt, tu = pair(np.abs(a), dtype)
        for red in (0, 1, 2):
            close(T.poisson_nll_loss(xu, tu, True, False, 1e-8, red), torch.poisson_nll_loss(xt, tt, True, False, 1e-8, red), dtype)
            close(T.poisson_nll_loss(tu, tu, False, True, 1e-6, red), torch.poisson_nll_loss(tt, tt, False, True, 1e-6, red), dtype)
        for name, args in [('celu_', ()), ('celu_', (1.5,)), ('selu_', ()), ('rrelu_', ()), ('alpha_dropout_', (0.3, False)),
                           ('feature_alpha_dropout_', (0.3, False))]:
            ct, cu = pair(a, dtype)
            rt, ru = getattr(torch, name)(ct, *args), getattr(T, name)(cu, *args)
            assert ru is cu and rt is ct
            close(cu, ct, dtype)
    xt, xu = pair(a, torch.float32)
    same_error(lambda: torch.poisson_nll_loss(xt, xt, True, False, 1e-8, 'mean'), lambda: T.poisson_nll_loss(xu, xu, True, False, 1e-8, 'mean'))
    same_error(lambda: torch.celu(xt, 0.), lambda: T.celu(xu, 0.))
    with pytest.raises(TypeError): T.alpha_dropout(xu)


def test_random_top_level_forms_match_seeded():
    a = np.random.default_rng(11).standard_normal((3, 4, 2))
    xt, xu = pair(a, torch.float32)
    seed_both(5); close(T.rrelu(xu, 0.1, 0.3, True), torch.rrelu(xt, 0.1, 0.3, True))
    seed_both(6); close(T.alpha_dropout(xu, 0.4, True), torch.alpha_dropout(xt, 0.4, True))
    seed_both(7); close(T.feature_alpha_dropout(xu, 0.4, True), torch.feature_alpha_dropout(xt, 0.4, True))


def test_upsample_warns():
    for F, x in [(torch.nn.functional, torch.ones(1, 1, 2, 2)), (TF, T.ones(1, 1, 2, 2))]:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            F.upsample(x, scale_factor=2)
        assert [str(m.message) for m in w] == ["`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead."]
        assert w[0].category is UserWarning


def test_names_exist_as_in_torch():
    for n in ['max_unpool1d', 'max_unpool2d', 'lp_pool1d', 'lp_pool2d', 'channel_shuffle', 'native_channel_shuffle']:
        assert hasattr(torch.nn.functional, n) and hasattr(TF, n) and n in TF.__all__
    for n in ['MaxUnpool1d', 'MaxUnpool2d', 'LPPool1d', 'LPPool2d', 'ChannelShuffle', 'LazyLinear', 'LazyConv1d', 'LazyConv2d',
              'UninitializedParameter']:
        assert hasattr(torch.nn, n) and n in tnn.__all__
    for n in ['celu', 'celu_', 'selu_', 'rrelu', 'rrelu_', 'hardshrink', 'alpha_dropout', 'alpha_dropout_', 'feature_alpha_dropout',
              'feature_alpha_dropout_', 'poisson_nll_loss', 'channel_shuffle', 'native_channel_shuffle']:
        assert hasattr(torch, n) and hasattr(T, n), n
    assert not hasattr(torch, 'max_unpool2d')
