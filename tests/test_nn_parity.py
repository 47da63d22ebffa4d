"""The activations, dropouts, losses and layers added to close gaps with torch.nn (celu ... multilabel_margin_loss,
CELU ... AdaptiveMaxPool1d): values and gradients in float32 and float64 for each reduction, the random ones bit for bit
after the same seed, module reprs, legacy reduction flags, warnings, and error types and messages, against PyTorch."""
import warnings

import numpy as np
import pytest
import torch

import tinygrad_edu as T
import tinygrad_edu.nn as tnn
import tinygrad_edu.nn.functional as TF

DTYPES = [torch.float32, torch.float64]
REDUCTIONS = ['mean', 'sum', 'none']
TOL = {torch.float32: dict(rtol=1e-5, atol=1e-6), torch.float64: dict(rtol=1e-10, atol=1e-12)}
NEW_NAMES = ['CELU', 'Hardshrink', 'Softshrink', 'Tanhshrink', 'Softsign', 'RReLU', 'AlphaDropout', 'FeatureAlphaDropout',
             'GaussianNLLLoss', 'PoissonNLLLoss', 'HingeEmbeddingLoss', 'SoftMarginLoss', 'MultiLabelSoftMarginLoss',
             'MultiMarginLoss', 'MultiLabelMarginLoss', 'LocalResponseNorm', 'AdaptiveMaxPool1d']
NEW_FUNCTIONS = ['celu', 'hardshrink', 'softshrink', 'tanhshrink', 'rrelu', 'alpha_dropout', 'feature_alpha_dropout',
                 'gaussian_nll_loss', 'poisson_nll_loss', 'hinge_embedding_loss', 'soft_margin_loss',
                 'multilabel_soft_margin_loss', 'multi_margin_loss', 'multilabel_margin_loss', 'local_response_norm',
                 'upsample_nearest', 'upsample_bilinear']


def seed_both(s=0):
    torch.manual_seed(s); T.manual_seed(s)


class Arg:
    "A tensor argument: `make(gen)` gives a torch tensor; `grad` says whether both libraries should differentiate it."
    def __init__(self, make, grad=True): self.make, self.grad = make, grad


def randn(*shape): return Arg(lambda g: torch.randn(*shape, generator=g, dtype=torch.float64))
def rand(*shape, lo=0., hi=1., grad=True):
    return Arg(lambda g: lo + (hi - lo) * torch.rand(*shape, generator=g, dtype=torch.float64), grad)
def const(t, grad=False): return Arg(lambda g: t.clone(), grad)


def with_ties(*shape):
    "randn with exact zeros and ±0.5 (the kinks of the shrink functions) planted."
    def make(g):
        x = torch.randn(*shape, generator=g, dtype=torch.float64)
        x.view(-1)[:3] = torch.tensor([0., 0.5, -0.5], dtype=torch.float64)
        return x
    return Arg(make)


SIGNS = const(torch.tensor([[1., -1., 1., -1., 1.], [-1., -1., 1., 1., 1.], [1., 1., 1., -1., -1.], [-1., 1., -1., 1., -1.]]))
BITS = const(torch.tensor([[1., 0., 1., 0., 1.], [0., 0., 1., 1., 1.], [1., 1., 1., 0., 0.], [0., 1., 0., 1., 0.]]))
ML_TARGET = const(torch.tensor([[0, 1, -1, 2, 2], [4, -1, 0, 0, 0], [-1, 0, 0, 0, 0], [0, 1, 2, 3, 4]]))

# name, args, kwargs; `reduce` says whether to sweep `reduction`
CASES = [
    ('celu', [with_ties(4, 5)], {}, False),
    ('celu', [with_ties(4, 5)], dict(alpha=0.3), False),
    ('hardshrink', [with_ties(4, 5)], {}, False),
    ('hardshrink', [with_ties(4, 5)], dict(lambd=1.2), False),
    ('softshrink', [with_ties(4, 5)], {}, False),
    ('softshrink', [with_ties(4, 5)], dict(lambd=0.), False),
    ('tanhshrink', [randn(4, 5)], {}, False),
    ('rrelu', [with_ties(4, 5)], {}, False),
    ('rrelu', [with_ties(4, 5)], dict(lower=0.2, upper=0.6), False),
    ('alpha_dropout', [randn(4, 5)], dict(p=0.3), False),
    ('feature_alpha_dropout', [randn(4, 5, 3)], dict(p=0.3), False),
    ('gaussian_nll_loss', [randn(4, 5), randn(4, 5), rand(4, 5, lo=0.1)], {}, True),
    ('gaussian_nll_loss', [randn(4, 5), randn(4, 5), rand(4, lo=0.1)], dict(full=True), True),
    ('gaussian_nll_loss', [randn(4, 3, 5), randn(4, 3, 5), rand(4, 1, 5, hi=1e-6)], dict(eps=1e-4), True),
    ('gaussian_nll_loss', [randn(4, 5), randn(4, 5), 0.7], {}, True),
    ('poisson_nll_loss', [randn(4, 5), rand(4, 5, hi=4., grad=False)], {}, True),
    ('poisson_nll_loss', [randn(4, 5), rand(4, 5, hi=4.)], dict(full=True), True),
    ('poisson_nll_loss', [rand(4, 5, hi=3.), rand(4, 5, hi=4., grad=False)], dict(log_input=False, full=True), True),
    ('hinge_embedding_loss', [randn(4, 5), SIGNS], {}, True),
    ('hinge_embedding_loss', [randn(4, 5), SIGNS], dict(margin=0.3), True),
    ('soft_margin_loss', [randn(4, 5), SIGNS], {}, True),
    ('multilabel_soft_margin_loss', [randn(4, 5), BITS], {}, True),
    ('multilabel_soft_margin_loss', [randn(4, 5), BITS], dict(weight=rand(5)), True),
    ('multi_margin_loss', [randn(4, 5), const(torch.tensor([0, 1, 4, 2]))], {}, True),
    ('multi_margin_loss', [randn(4, 5), const(torch.tensor([0, 1, 4, 2]))], dict(p=2, margin=0.5), True),
    ('multi_margin_loss', [randn(4, 5), const(torch.tensor([3, 3, 0, 1]))], dict(weight=rand(5, grad=False)), True),
    ('multi_margin_loss', [randn(5), const(torch.tensor(3))], {}, True),
    ('multi_margin_loss', [randn(5), const(torch.tensor([2]))], {}, True),
    ('multilabel_margin_loss', [randn(4, 5), ML_TARGET], {}, True),
    ('multilabel_margin_loss', [randn(5), const(torch.tensor([3, 1, -1, 2, 2]))], {}, True),
    ('local_response_norm', [randn(2, 5, 3)], dict(size=3), False),
    ('local_response_norm', [randn(2, 6, 3, 2)], dict(size=2, alpha=1e-2, beta=0.5, k=2.), False),
    ('local_response_norm', [randn(2, 5, 3, 2, 2)], dict(size=4), False),
    ('upsample_nearest', [randn(1, 2, 3, 3)], dict(scale_factor=2), False),
    ('upsample_bilinear', [randn(1, 2, 3, 3)], dict(size=(5, 4)), False),
]
TRAINING = {'rrelu', 'alpha_dropout', 'feature_alpha_dropout'}


def build(args, kwargs, dtype, seed):
    "The same arguments for torch and tinygrad_edu (float tensors cast to `dtype`, leaves requiring grad where wanted)."
    g = torch.Generator().manual_seed(seed)
    ta, ga, tk, gk = [], [], {}, {}
    def one(a):
        if not isinstance(a, Arg): return a, a
        t = a.make(g)
        if t.is_floating_point(): t = t.to(dtype)
        t = t.detach().requires_grad_(a.grad and t.is_floating_point())
        m = T.tensor(t.detach().numpy().copy()).requires_grad_(t.requires_grad)
        return t, m
    for a in args:
        t, m = one(a); ta.append(t); ga.append(m)
    for k, a in kwargs.items():
        tk[k], gk[k] = one(a)
    return ta, ga, tk, gk


def check(name, args, kwargs, dtype, seed=0):
    ta, ga, tk, gk = build(args, kwargs, dtype, seed)
    seed_both(seed)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        r, m = getattr(torch.nn.functional, name)(*ta, **tk), getattr(TF, name)(*ga, **gk)
    assert tuple(m.shape) == tuple(r.shape) and m.dtype.name == str(r.dtype).split('.')[1], (m.shape, m.dtype, r.shape, r.dtype)
    np.testing.assert_allclose(m.detach().numpy(), r.detach().numpy(), **TOL[dtype])
    w = torch.randn(r.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64).to(r.dtype)
    (r * w).sum().backward(); (m * T.tensor(w.numpy())).sum().backward()
    leaves = [(t, x) for t, x in zip(ta + list(tk.values()), ga + list(gk.values())) if isinstance(t, torch.Tensor)]
    # torch's celu backward uses 1/float32(alpha) (derivatives.yaml: `1.0/alpha.toFloat()`), ours the exact 1/alpha
    tol = dict(rtol=1e-6, atol=1e-9) if name == 'celu' and dtype == torch.float64 else TOL[dtype]
    for t, x in leaves:
        assert (t.grad is None) == (x.grad is None), name
        if t.grad is not None: np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), **tol)


@pytest.mark.parametrize('dtype', DTYPES, ids=['f32', 'f64'])
@pytest.mark.parametrize('i', range(len(CASES)), ids=[f'{c[0]}-{i}' for i, c in enumerate(CASES)])
def test_functional_values_and_grads(i, dtype):
    name, args, kwargs, sweep = CASES[i]
    for reduction in (REDUCTIONS if sweep else [None]):
        kw = dict(kwargs, **({} if reduction is None else dict(reduction=reduction)))
        for training in ([False, True] if name in TRAINING else [None]):
            if training is not None: kw['training'] = training
            check(name, args, kw, dtype)


@pytest.mark.parametrize('dtype', DTYPES, ids=['f32', 'f64'])
@pytest.mark.parametrize('name,shape,kw', [('rrelu', (6, 7), dict(training=True)), ('rrelu', (6, 7), dict(lower=0.3, upper=0.3, training=True)),
                                           ('alpha_dropout', (6, 7), dict(p=0.5, training=True)),
                                           ('alpha_dropout', (6, 7), dict(p=1., training=True)),
                                           ('feature_alpha_dropout', (3, 4, 5), dict(p=0.4, training=True))])
def test_random_same_seed_same_values(name, shape, kw, dtype):
    "The slopes and masks come from the library's generator in PyTorch's order: identical after the same seed."
    x = torch.randn(*shape, dtype=dtype)
    for seed in (0, 7):
        seed_both(seed)
        r = getattr(torch.nn.functional, name)(x, **kw)
        m = getattr(TF, name)(T.tensor(x.numpy()), **kw)
        np.testing.assert_array_equal(m.numpy(), r.numpy())
        np.testing.assert_array_equal(T.rand(3).numpy(), torch.rand(3).numpy())     # the same draws were used up


@pytest.mark.parametrize('name,kw', [('celu', dict(alpha=2.)), ('rrelu', dict(training=True)), ('rrelu', dict(training=False)),
                                     ('alpha_dropout', dict(p=0.3, training=True)), ('feature_alpha_dropout', dict(p=0.3, training=True))])
def test_inplace(name, kw):
    x = torch.randn(4, 5, 2)
    xr, xm = x.clone(), T.tensor(x.numpy())
    seed_both(3)
    r = getattr(torch.nn.functional, name)(xr, inplace=True, **kw)
    m = getattr(TF, name)(xm, inplace=True, **kw)
    assert r is xr and m is xm
    np.testing.assert_allclose(xm.numpy(), xr.numpy(), rtol=1e-6, atol=1e-7)
    lr, lm = torch.tensor(x.numpy(), requires_grad=True), T.tensor(x.numpy(), requires_grad=True)    # through the graph
    seed_both(3)
    yr = getattr(torch.nn.functional, name)(lr * 1, inplace=True, **kw)
    ym = getattr(TF, name)(lm * 1, inplace=True, **kw)
    (yr * yr).sum().backward(); (ym * ym).sum().backward()
    np.testing.assert_allclose(lm.grad.numpy(), lr.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_identity_when_not_training():
    x = T.randn(3, 4)
    for f in (TF.alpha_dropout, TF.feature_alpha_dropout): assert f(x) is x and f(x, 0.5, training=True) is not x
    assert TF.alpha_dropout(x, 0., training=True) is x


# ---------------------------------------------------------------- modules
MODULES = [
    ('CELU', (), {}, (4, 5)), ('CELU', (0.5,), dict(inplace=True), (4, 5)), ('Hardshrink', (), {}, (4, 5)),
    ('Hardshrink', (1,), {}, (4, 5)), ('Softshrink', (), {}, (4, 5)), ('Softshrink', (), dict(lambd=0.25), (4, 5)),
    ('Tanhshrink', (), {}, (4, 5)), ('Softsign', (), {}, (4, 5)), ('RReLU', (), {}, (4, 5)),
    ('RReLU', (0.1, 0.2, True), {}, (4, 5)), ('AlphaDropout', (), {}, (4, 5)), ('AlphaDropout', (0.2, True), {}, (4, 5)),
    ('FeatureAlphaDropout', (0.3,), {}, (4, 5, 3)), ('LocalResponseNorm', (3,), {}, (2, 5, 4)),
    ('LocalResponseNorm', (2, 1e-3, 0.5, 2), {}, (2, 5, 4, 4)), ('AdaptiveMaxPool1d', (3,), {}, (2, 4, 10)),
    ('AdaptiveMaxPool1d', (4,), {}, (4, 9)),
]


@pytest.mark.parametrize('name,args,kw,shape', MODULES, ids=[f'{m[0]}-{i}' for i, m in enumerate(MODULES)])
def test_module_repr_values_grads(name, args, kw, shape):
    mr, mm = getattr(torch.nn, name)(*args, **kw), getattr(tnn, name)(*args, **kw)
    assert repr(mm) == repr(mr)
    x = torch.randn(*shape, dtype=torch.float64)
    for train in (True, False):
        mr.train(train); mm.train(train)
        xr, xm = x.clone().requires_grad_(), T.tensor(x.numpy(), requires_grad=True)
        seed_both(5)
        yr, ym = mr(xr * 1), mm(xm * 1)
        np.testing.assert_allclose(ym.detach().numpy(), yr.detach().numpy(), rtol=1e-10, atol=1e-12)
        (yr * yr).sum().backward(); (ym * ym).sum().backward()
        np.testing.assert_allclose(xm.grad.numpy(), xr.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_adaptive_max_pool1d_indices():
    x = torch.randn(2, 3, 11)
    r, ri = torch.nn.AdaptiveMaxPool1d(4, return_indices=True)(x)
    m, mi = tnn.AdaptiveMaxPool1d(4, return_indices=True)(T.tensor(x.numpy()))
    np.testing.assert_array_equal(m.numpy(), r.numpy()); np.testing.assert_array_equal(mi.numpy(), ri.numpy())


LOSSES = [
    ('GaussianNLLLoss', (), {}, lambda: (torch.randn(4, 5), torch.randn(4, 5), torch.rand(4, 5) + 0.1)),
    ('GaussianNLLLoss', (), dict(full=True, eps=1e-3, reduction='sum'), lambda: (torch.randn(4, 5), torch.randn(4, 5), torch.rand(4, 1))),
    ('PoissonNLLLoss', (), {}, lambda: (torch.randn(4, 5), torch.rand(4, 5) * 3)),
    ('PoissonNLLLoss', (False, True), dict(eps=1e-4, reduction='none'), lambda: (torch.rand(4, 5) + 0.5, torch.rand(4, 5) * 3)),
    ('HingeEmbeddingLoss', (), {}, lambda: (torch.randn(4, 5), torch.randint(0, 2, (4, 5)).float() * 2 - 1)),
    ('HingeEmbeddingLoss', (0.5,), dict(reduction='sum'), lambda: (torch.randn(4, 5), torch.randint(0, 2, (4, 5)).float() * 2 - 1)),
    ('SoftMarginLoss', (), {}, lambda: (torch.randn(4, 5), torch.randint(0, 2, (4, 5)).float() * 2 - 1)),
    ('SoftMarginLoss', (), dict(reduction='none'), lambda: (torch.randn(4, 5), torch.randint(0, 2, (4, 5)).float() * 2 - 1)),
    ('MultiLabelSoftMarginLoss', (), {}, lambda: (torch.randn(4, 5), torch.randint(0, 2, (4, 5)).float())),
    ('MultiLabelSoftMarginLoss', (), dict(weight=torch.rand(5), reduction='sum'), lambda: (torch.randn(4, 5), torch.randint(0, 2, (4, 5)).float())),
    ('MultiMarginLoss', (), {}, lambda: (torch.randn(4, 5), torch.randint(0, 5, (4,)))),
    ('MultiMarginLoss', (2, 0.5), dict(weight=torch.rand(5), reduction='none'), lambda: (torch.randn(4, 5), torch.randint(0, 5, (4,)))),
    ('MultiLabelMarginLoss', (), {}, lambda: (torch.randn(4, 5), torch.tensor([[0, 1, -1, 2, 2], [4, -1, 0, 0, 0], [-1, 0, 0, 0, 0], [0, 1, 2, 3, 4]]))),
    ('MultiLabelMarginLoss', (), dict(reduction='none'), lambda: (torch.randn(4, 5), torch.tensor([[3, -1, 0, 0, 0]] * 4))),
]


@pytest.mark.parametrize('name,args,kw,data', LOSSES, ids=[f'{m[0]}-{i}' for i, m in enumerate(LOSSES)])
def test_loss_modules(name, args, kw, data):
    tkw = {k: (T.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v) for k, v in kw.items()}
    cr, cm = getattr(torch.nn, name)(*args, **kw), getattr(tnn, name)(*args, **tkw)
    assert repr(cm) == repr(cr) and cm.reduction == cr.reduction
    assert list(cm.state_dict()) == list(cr.state_dict())
    torch.manual_seed(2)
    xs = data()
    xr = [x.clone().requires_grad_(i == 0) for i, x in enumerate(xs)]
    xm = [T.tensor(x.numpy(), requires_grad=i == 0) for i, x in enumerate(xs)]
    r, m = cr(*xr), cm(*xm)
    np.testing.assert_allclose(m.detach().numpy(), r.detach().numpy(), rtol=1e-5, atol=1e-6)
    r.sum().backward(); m.sum().backward()
    np.testing.assert_allclose(xm[0].grad.numpy(), xr[0].grad.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('name', ['PoissonNLLLoss', 'HingeEmbeddingLoss', 'SoftMarginLoss', 'MultiLabelSoftMarginLoss',
                                  'MultiMarginLoss', 'MultiLabelMarginLoss'])
@pytest.mark.parametrize('size_average,reduce', [(False, None), (None, False), (True, True)])
def test_legacy_reduction_flags(name, size_average, reduce):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        r = getattr(torch.nn, name)(size_average=size_average, reduce=reduce)
        m = getattr(tnn, name)(size_average=size_average, reduce=reduce)
    assert m.reduction == r.reduction


def test_reprs_of_defaults():
    for name in NEW_NAMES:
        args = {'LocalResponseNorm': (2,), 'AdaptiveMaxPool1d': (5,)}.get(name, ())
        assert repr(getattr(tnn, name)(*args)) == repr(getattr(torch.nn, name)(*args)), name


def test_namespace():
    for name in NEW_NAMES: assert name in tnn.__all__ and getattr(tnn, name).__name__ == name
    for name in NEW_FUNCTIONS: assert callable(getattr(TF, name)), name


# ---------------------------------------------------------------- warnings
@pytest.mark.parametrize('code,message', [
    ("F.upsample_nearest(torch.randn(1, 1, 3), scale_factor=2)", "`nn.functional.upsample_nearest` is deprecated"),
    ("F.upsample_bilinear(torch.randn(1, 1, 2, 2), scale_factor=2)", "`nn.functional.upsample_bilinear` is deprecated"),
    ("F.hinge_embedding_loss(torch.randn(3), torch.ones(3), size_average=False)", "size_average and reduce args will be deprecated, please use reduction='sum' instead."),
    ("F.multilabel_soft_margin_loss(torch.randn(2, 3), torch.ones(2, 3), reduce=False)", "please use reduction='none' instead."),
    ("F.soft_margin_loss(torch.randn(3), torch.ones(3), reduction='elementwise_mean')", "reduction='elementwise_mean' is deprecated"),
])
def test_warnings(code, message):
    for lib in (torch, T):
        with pytest.warns(UserWarning, match=message.replace('(', r'\(').replace(')', r'\)').replace('.', r'\.')):
            eval(code, dict(F=lib.nn.functional, torch=lib))


# ---------------------------------------------------------------- errors: same type and message as torch
ERRORS = '''F.softshrink(torch.randn(3, 4), -1)
F.softshrink(torch.randn(3, 4).double(), -0.5)
F.celu(torch.randn(3), 0)
F.celu(torch.tensor([1, 2]))
F.hardshrink(torch.tensor([1, 2]))
F.softshrink(torch.tensor([1, 2]))
F.rrelu(torch.tensor([1, 2]))
F.rrelu(torch.tensor([1, 2]), training=True)
F.rrelu(torch.randn(3), 0.5, 0.2, training=True)
F.rrelu(torch.randn(3), 0.5, 0.2)
F.feature_alpha_dropout(torch.randn(3), 0.5, True)
F.alpha_dropout(torch.randn(3), 1.5)
F.alpha_dropout(torch.randn(3), -0.1, True)
F.feature_alpha_dropout(torch.randn(3), 1.5)
F.hinge_embedding_loss(torch.randn(3, 4), torch.ones(3, 5))
F.hinge_embedding_loss(torch.randn(3, 4), torch.ones(4), reduction='foo')
F.hinge_embedding_loss(torch.tensor([1, 2]), torch.tensor([1, -1]))
F.soft_margin_loss(torch.randn(3, 4), torch.ones(3, 5))
F.soft_margin_loss(torch.randn(3, 4), torch.ones(2, 3, 4))
F.soft_margin_loss(torch.randn(3, 4), torch.ones(3, 4, requires_grad=True))
F.soft_margin_loss(torch.tensor([1, 2]), torch.tensor([1, -1]))
F.soft_margin_loss(torch.randn(3), torch.ones(3), reduction='batchmean')
F.poisson_nll_loss(torch.randn(3, 4), torch.ones(3, 5))
F.poisson_nll_loss(torch.randn(3, 4), torch.ones(3, 4), reduction='bad')
F.multilabel_soft_margin_loss(torch.randn(3, 4), torch.ones(3, 5))
F.multilabel_soft_margin_loss(torch.randn(3, 4), torch.ones(3, 4), reduction='bad')
F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1, 4]))
F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, -1, 2]))
F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1]))
F.multi_margin_loss(torch.randn(3, 4), torch.tensor([[0, 1, 2]]))
F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1, 2]), weight=torch.ones(3))
F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1, 2]), weight=torch.ones(4, requires_grad=True))
F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0., 1, 2]))
F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1, 2]), p=3)
F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1, 2]), weight=torch.ones(2, 2))
F.multi_margin_loss(torch.randn(2, 3, 4), torch.tensor([0, 1]))
F.multi_margin_loss(torch.randn(3, 0), torch.tensor([0, 1, 2]))
F.multi_margin_loss(torch.tensor([[1, 2]]), torch.tensor([1]))
F.multi_margin_loss(torch.randn(3, 4), torch.tensor([0, 1, 2]), reduction='x')
F.multilabel_margin_loss(torch.randn(3, 4), torch.tensor([[0, 1, -1, 5]] * 3))
F.multilabel_margin_loss(torch.randn(3, 4), torch.tensor([[0, 1, -2, 3]] * 3))
F.multilabel_margin_loss(torch.randn(3, 4), torch.tensor([[0, 1, 2]] * 3))
F.multilabel_margin_loss(torch.randn(3, 4), torch.tensor([[0., 1, 2, -1]] * 3))
F.multilabel_margin_loss(torch.randn(4), torch.tensor([0, 1, -1]))
F.multilabel_margin_loss(torch.randn(2, 3, 4), torch.tensor([0, 1]))
F.multilabel_margin_loss(torch.tensor([[1, 2]]), torch.tensor([[1, -1]]))
F.gaussian_nll_loss(torch.randn(3, 4), torch.randn(3, 4), torch.ones(3, 5))
F.gaussian_nll_loss(torch.randn(3, 4), torch.randn(3, 4), torch.ones(3, 2, 4))
F.gaussian_nll_loss(torch.randn(3, 4), torch.randn(3, 4), -torch.ones(3, 4))
F.gaussian_nll_loss(torch.randn(3, 4), torch.randn(3, 4), torch.ones(3, 4), reduction='x')
F.gaussian_nll_loss(torch.randn(3, 4), torch.randn(3, 4), -1.)
F.local_response_norm(torch.randn(3, 4), 2)
F.adaptive_max_pool1d(torch.randn(2, 3, 4, 5), 2)
F.adaptive_max_pool1d(torch.randn(5), 2)
nn.MultiMarginLoss(weight=torch.ones(2, 2))
nn.MultiMarginLoss(p=3)
nn.LocalResponseNorm(2)(torch.randn(2, 3))
nn.AlphaDropout(1.5)
F.celu(torch.randn(3, requires_grad=True), inplace=True)
F.rrelu(torch.randn(3, requires_grad=True), training=True, inplace=True)
F.alpha_dropout(torch.randn(3, requires_grad=True), 0.5, True, inplace=True)
nn.GaussianNLLLoss(True)'''.split('\n')


def outcome(lib, code):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            r = eval(code, dict(F=lib.nn.functional, torch=lib, nn=lib.nn))
        return 'ok', tuple(r.shape)
    except Exception as e: return type(e).__name__, str(e)


@pytest.mark.parametrize('code', ERRORS)
def test_errors(code):
    expected = outcome(torch, code)
    assert expected[0] != 'ok', code
    assert outcome(T, code) == expected


@pytest.mark.parametrize('code', ['F.multi_margin_loss(torch.randn(4), torch.tensor([1]), reduction="none")',
                                  'F.multi_margin_loss(torch.randn(4), torch.tensor(1), reduction="none")',
                                  'F.multi_margin_loss(torch.randn(1, 4), torch.tensor(1), reduction="none")',
                                  'F.multi_margin_loss(torch.randn(()), torch.tensor(0), reduction="none")',
                                  'F.multilabel_margin_loss(torch.randn(4), torch.tensor([0, 1, -1, 2]), reduction="none")',
                                  'F.multilabel_margin_loss(torch.randn(4), torch.tensor([[0, 1, -1, 2]]), reduction="none")',
                                  'F.multilabel_margin_loss(torch.randn(()), torch.tensor(0), reduction="none")',
                                  'F.multilabel_margin_loss(torch.randn(3, 4), torch.tensor([[0, 1, -1, 2]] * 3), reduction="none")',
                                  'F.local_response_norm(torch.randn(0, 3, 4), 2)',
                                  'F.gaussian_nll_loss(torch.randn(3, 4), torch.ones(4), torch.ones(3))',
                                  'F.hinge_embedding_loss(torch.randn(3, 4), torch.ones(4))',
                                  'F.feature_alpha_dropout(torch.randn(3), 1.0, True)'])
def test_edge_shapes(code):
    assert outcome(T, code) == outcome(torch, code)
