"""The functions of notebook 04k_extra_ops (and `register_post_accumulate_grad_hook`) vs PyTorch: values, dtypes, gradients, errors."""
import math, warnings
import numpy as np
import pytest
import torch
import tinygrad_edu as tg

rng = np.random.default_rng(0)

def T(a, requires_grad=False):
    "The same data as a torch tensor and a tinygrad_edu tensor."
    a = np.asarray(a)
    return torch.from_numpy(a.copy()).requires_grad_(requires_grad), tg.from_numpy(a.copy()).requires_grad_(requires_grad)

def check(ours, theirs, atol=1e-5, rtol=1e-5):
    "Same structure, dtype, shape and values (NaNs equal)."
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs): check(o, t, atol, rtol)
        return
    if not isinstance(theirs, torch.Tensor): assert ours == theirs; return
    assert isinstance(ours, tg.Tensor), type(ours)
    assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=atol, rtol=rtol, equal_nan=True)

def err(fn_ours, fn_theirs, prefix=False):
    "Both raise the same exception type with the same first line (with `prefix`: theirs starts with ours up to its first colon)."
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(Exception) as e1: fn_theirs()
        with pytest.raises(Exception) as e2: fn_ours()
    linalg_error = type(e1.value).__name__ == '_LinAlgError' and isinstance(e2.value, tg.linalg.LinAlgError)
    assert type(e2.value) is type(e1.value) or linalg_error, (e1.value, e2.value)
    m1, m2 = str(e1.value).split('\n')[0], str(e2.value).split('\n')[0]
    assert m1.startswith(m2.split(':')[0]) if prefix else m1 == m2, (m1, m2)

def grads(f, *arrays):
    "Value and input gradients of `f` (applied to both libraries) for a random output gradient."
    ts = [T(a, True) for a in arrays]
    yt, yo = f(torch, *[t for t, _ in ts]), f(tg, *[o for _, o in ts])
    check(yo, yt, 1e-6, 1e-6)
    g = rng.standard_normal(tuple(yt.shape))
    yt.backward(torch.from_numpy(g)); yo.backward(tg.from_numpy(g))
    for t, o in ts:
        if t.grad is None: assert o.grad is None
        else: check(o.grad, t.grad, 1e-6, 1e-5)

# ---------------------------------------------------------------- methods
def test_broadcast_to_split_with_sizes_bernoulli():
    t, o = T(rng.standard_normal((3, 4)).astype('float32'))
    check(o.broadcast_to((2, 3, 4)), t.broadcast_to((2, 3, 4)))
    check(o.broadcast_to(2, 3, 4), t.broadcast_to(2, 3, 4))
    err(lambda: o.broadcast_to((2, 4)), lambda: t.broadcast_to((2, 4)))
    check(o.split_with_sizes([1, 3], dim=1), t.split_with_sizes([1, 3], dim=1))
    check(tg.split_with_sizes(o, [1, 2]), torch.split_with_sizes(t, [1, 2]))
    err(lambda: o.split_with_sizes([1, 1]), lambda: t.split_with_sizes([1, 1]))
    p, q = T(np.array([0., 1., 1., 0.], 'float32'))
    check(q.bernoulli(), p.bernoulli()); check(tg.zeros(3).bernoulli(1.0), torch.zeros(3).bernoulli(1.0))
    check(tg.bernoulli(q), torch.bernoulli(p))
    err(lambda: tg.tensor([1, 0]).bernoulli(), lambda: torch.tensor([1, 0]).bernoulli())
    err(lambda: tg.tensor([2.]).bernoulli(), lambda: torch.tensor([2.]).bernoulli(), prefix=True)

@pytest.mark.parametrize('name,shapes', [('addmm', [(2, 3), (2, 4), (4, 3)]), ('addmv', [(2,), (2, 4), (4,)]),
                                         ('baddbmm', [(2, 2, 3), (2, 2, 4), (2, 4, 3)])])
def test_inplace_addmm_family(name, shapes):
    arrays = [rng.standard_normal(s) for s in shapes]
    def f(lib, a, b, c):
        x = a * 1
        return getattr(x, name + '_')(b, c, beta=0.5, alpha=2)
    grads(f, *arrays)

def test_post_accumulate_grad_hook():
    seen = {}
    for lib in (torch, tg):
        x = lib.ones(3, requires_grad=True)
        calls = []
        h = x.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.tolist()))
        (x * 2).sum().backward(); (x * 3).sum().backward()
        lib.autograd.grad((x * 5).sum(), x)                   # no accumulation: no call
        h.remove(); (x * 4).sum().backward()
        seen[lib] = calls
        err(lambda: (x * 2).register_post_accumulate_grad_hook(print), lambda: (torch.ones(1, requires_grad=True) * 2).register_post_accumulate_grad_hook(print))
        err(lambda: tg.ones(1).register_post_accumulate_grad_hook(print), lambda: torch.ones(1).register_post_accumulate_grad_hook(print))
    assert seen[tg] == seen[torch] == [[2., 2., 2.], [5., 5., 5.]]

# ---------------------------------------------------------------- pointwise
def test_names_exist_as_in_torch():
    for n in ('arccosh arcsinh arctanh isneginf isposinf isreal is_complex logaddexp2 hsplit vsplit dsplit diagflat trapz gcd lcm '
              'ldexp frexp bitwise_left_shift bitwise_right_shift nextafter i0 cov corrcoef renorm addr matrix_power logdet slogdet '
              'pinverse cholesky narrow_copy select_scatter slice_scatter diagonal_scatter unravel_index hann_window hamming_window '
              'chain_matmul split_with_sizes arccosh_ arcsinh_ arctanh_ gcd_ lcm_ ldexp_ i0_ addmv_').split():
        assert hasattr(torch, n) and hasattr(tg, n), n
    for n in ('broadcast_to bernoulli split_with_sizes register_post_accumulate_grad_hook addmm_ addmv_ baddbmm_ arccosh_ arcsinh_ '
              'arctanh_ isreal logaddexp2 hsplit vsplit dsplit diagflat gcd lcm gcd_ lcm_ ldexp ldexp_ frexp bitwise_left_shift_ '
              'bitwise_right_shift_ __ilshift__ __irshift__ __rlshift__ __rrshift__ nextafter nextafter_ i0 i0_ cov corrcoef renorm '
              'renorm_ addr addr_ matrix_power logdet slogdet pinverse cholesky narrow_copy select_scatter slice_scatter diagonal_scatter').split():
        assert hasattr(torch.Tensor, n) and hasattr(tg.Tensor, n), n

@pytest.mark.parametrize('name,lo,hi', [('arccosh', 1.1, 4), ('arcsinh', -3, 3), ('arctanh', -0.9, 0.9)])
def test_arc_aliases(name, lo, hi):
    a = rng.uniform(lo, hi, (5,))
    grads(lambda lib, x: getattr(lib, name)(x), a)
    t, o = T(a.astype('float32'))
    getattr(t, name + '_')(); getattr(o, name + '_')(); check(o, t)
    t, o = T(a.astype('float32')); getattr(torch, name + '_')(t); getattr(tg, name + '_')(o); check(o, t)

def test_predicates():
    a = np.array([1., -np.inf, np.inf, np.nan], 'float32')
    for n in ('isneginf', 'isposinf', 'isreal'):
        t, o = T(a); check(getattr(tg, n)(o), getattr(torch, n)(t)); check(getattr(o, n)(), getattr(t, n)())
    t, o = T(np.array([1 + 1j, 2], 'complex64')); check(tg.isreal(o), torch.isreal(t))
    t, o = T(np.array([1, 2])); check(tg.isneginf(o), torch.isneginf(t))
    assert tg.is_complex(o) == torch.is_complex(t) is False

def test_logaddexp2_ldexp_frexp_i0():
    a, b = rng.standard_normal(6) * 3, rng.standard_normal(6) * 3
    grads(lambda lib, x, y: lib.logaddexp2(x, y), a, b)
    err(lambda: tg.logaddexp2(tg.tensor([1]), tg.tensor([2])), lambda: torch.logaddexp2(torch.tensor([1]), torch.tensor([2])))
    e = np.array([3, -1, 0, 5, 2, 1])
    for dt in ('float32', 'float64', 'int64'):
        (t, o), (te, oe) = T(a.astype(dt)), T(e)
        check(tg.ldexp(o, oe), torch.ldexp(t, te)); check(o.ldexp(oe), t.ldexp(te))
    grads(lambda lib, x, y: lib.ldexp(x, y), a, b)
    t, o = T(np.array([8., 0.5, -3., 0., 1e-3], 'float32'))
    check(tuple(tg.frexp(o)), tuple(torch.frexp(t))); check(tuple(o.frexp()), tuple(t.frexp()))
    err(lambda: tg.frexp(tg.tensor([8])), lambda: torch.frexp(torch.tensor([8])))
    grads(lambda lib, x: lib.frexp(x).mantissa, a)
    grads(lambda lib, x: lib.i0(x), np.array([0., 0.5, -2., 7., 30.]))
    t, o = T(np.array([1, 2])); check(tg.i0(o), torch.i0(t))
    t, o = T(a.astype('float32')); t.i0_(); o.i0_(); check(o, t)

def test_integer_ops():
    (ta, oa), (tb, ob) = T(np.array([4, 6, 0, -12, 7])), T(np.array([6, -9, 5, 8, 0]))
    for n in ('gcd', 'lcm'):
        check(getattr(tg, n)(oa, ob), getattr(torch, n)(ta, tb)); check(getattr(oa, n)(ob), getattr(ta, n)(tb))
        (t8, o8) = T(np.array([3, 4, 5, 6, 7], 'int8')); check(getattr(tg, n)(oa, o8), getattr(torch, n)(ta, t8))
        err(lambda: getattr(tg, n)(tg.tensor([1.]), tg.tensor([2.])), lambda: getattr(torch, n)(torch.tensor([1.]), torch.tensor([2.])))
        err(lambda: getattr(tg, n)(tg.tensor([True]), tg.tensor([True])), lambda: getattr(torch, n)(torch.tensor([True]), torch.tensor([True])))
        t, o = ta.clone(), oa.clone(); getattr(t, n + '_')(tb); getattr(o, n + '_')(ob); check(o, t)
    (ts, os_) = T(np.array([0, 1, 2, 3, 4]))
    check(tg.bitwise_left_shift(oa, os_), torch.bitwise_left_shift(ta, ts)); check(tg.bitwise_right_shift(oa, os_), torch.bitwise_right_shift(ta, ts))
    check(tg.bitwise_left_shift(3, os_), torch.bitwise_left_shift(3, ts)); check(oa << 2, ta << 2); check(oa >> os_, ta >> ts)
    check(3 << os_, 3 << ts); check(100 >> os_, 100 >> ts)
    t, o = ta.clone(), oa.clone(); t <<= 2; o <<= 2; check(o, t); t >>= ts; o >>= os_; check(o, t)
    t, o = ta.clone(), oa.clone(); t.bitwise_left_shift_(ts); o.bitwise_left_shift_(os_); check(o, t)
    err(lambda: tg.tensor([1.]) << 2, lambda: torch.tensor([1.]) << 2)

def test_nextafter():
    (ta, oa), (tb, ob) = T(np.array([1., -1., 0., 5.], 'float32')), T(np.array([2., -2., -1., 5.], 'float32'))
    check(tg.nextafter(oa, ob), torch.nextafter(ta, tb), 0, 0); check(oa.nextafter(ob.double()), ta.nextafter(tb.double()), 0, 0)
    err(lambda: tg.nextafter(tg.tensor([1]), tg.tensor([2])), lambda: torch.nextafter(torch.tensor([1]), torch.tensor([2])))
    oa.nextafter_(ob); ta.nextafter_(tb); check(oa, ta, 0, 0)

# ---------------------------------------------------------------- splitting, scatters
def test_hsplit_vsplit_dsplit_diagflat_narrow_copy():
    t, o = T(np.arange(24).reshape(2, 4, 3))
    for n, arg in (('hsplit', 2), ('hsplit', [1, 3]), ('vsplit', 2), ('vsplit', [1]), ('dsplit', 3), ('dsplit', [1, 2])):
        check(getattr(tg, n)(o, arg), getattr(torch, n)(t, arg)); check(getattr(o, n)(arg), getattr(t, n)(arg))
    t1, o1 = T(np.arange(6))
    check(tg.hsplit(o1, 3), torch.hsplit(t1, 3))
    for f in (lambda lib, x: lib.hsplit(x, 3), lambda lib, x: lib.vsplit(x, 5), lambda lib, x: lib.dsplit(x, 2)):
        err(lambda: f(tg, o), lambda: f(torch, t))
    err(lambda: tg.vsplit(o1, 2), lambda: torch.vsplit(t1, 2)); err(lambda: tg.dsplit(o1, 2), lambda: torch.dsplit(t1, 2))
    err(lambda: tg.hsplit(tg.tensor(1.), 1), lambda: torch.hsplit(torch.tensor(1.), 1))
    for off in (0, 1, -2):
        t2, o2 = T(np.arange(4).reshape(2, 2)); check(tg.diagflat(o2, off), torch.diagflat(t2, off)); check(o2.diagflat(off), t2.diagflat(off))
    grads(lambda lib, x: lib.diagflat(x, 1), rng.standard_normal((2, 2)))
    grads(lambda lib, x: lib.narrow_copy(x, 1, 1, 2), rng.standard_normal((3, 4)))
    err(lambda: o.narrow_copy(1, 3, 2), lambda: t.narrow_copy(1, 3, 2))

def test_scatters():
    x = rng.standard_normal((3, 4, 5))
    grads(lambda lib, x, s: lib.select_scatter(x, s, 1, -1), x, rng.standard_normal((3, 5)))
    grads(lambda lib, x, s: x.select_scatter(s, 0, 2), x, rng.standard_normal((4, 5)))
    grads(lambda lib, x, s: lib.slice_scatter(x, s, 2, 1, None, 2), x, rng.standard_normal((3, 4, 2)))
    grads(lambda lib, x, s: lib.slice_scatter(x, s, start=-2), x, rng.standard_normal((2, 4, 5)))
    grads(lambda lib, x, s: x.slice_scatter(s, dim=1, start=1, end=3), x, rng.standard_normal((3, 2, 5)))
    grads(lambda lib, x, s: lib.diagonal_scatter(x, s), x, rng.standard_normal((5, 3)))
    grads(lambda lib, x, s: lib.diagonal_scatter(x, s, 1, 2, 0), x, rng.standard_normal((4, 2)))
    grads(lambda lib, x, s: x.diagonal_scatter(s, -2, 1, 2), x, rng.standard_normal((3, 2)))
    (t, o), (ts, os_) = T(np.zeros((2, 2), 'float32')), T(np.ones(2, 'int64'))
    check(tg.select_scatter(o, os_, 0, 0), torch.select_scatter(t, ts, 0, 0))
    err(lambda: tg.select_scatter(o, tg.ones(3), 0, 0), lambda: torch.select_scatter(t, torch.ones(3), 0, 0))
    err(lambda: tg.select_scatter(o, tg.ones(2), 0, 5), lambda: torch.select_scatter(t, torch.ones(2), 0, 5))
    err(lambda: tg.slice_scatter(o, tg.ones(2, 2), 0, 0, 2, 0), lambda: torch.slice_scatter(t, torch.ones(2, 2), 0, 0, 2, 0))
    err(lambda: tg.slice_scatter(o, tg.ones(1, 2), 1), lambda: torch.slice_scatter(t, torch.ones(1, 2), 1))
    err(lambda: tg.diagonal_scatter(o, tg.ones(2), 1), lambda: torch.diagonal_scatter(t, torch.ones(2), 1))

def test_unravel_index():
    t, o = T(np.array([[4, 1], [-1, 6]]))
    check(tg.unravel_index(o, (2, 3)), torch.unravel_index(t, (2, 3)))
    check(tg.unravel_index(o, torch.Size([3, 2, 1])), torch.unravel_index(t, (3, 2, 1)))
    check(tg.unravel_index(o, 6), torch.unravel_index(t, 6))
    check(tg.unravel_index(tg.tensor(5), (2, 3)), torch.unravel_index(torch.tensor(5), (2, 3)))
    err(lambda: tg.unravel_index(tg.tensor(1.), (2, 3)), lambda: torch.unravel_index(torch.tensor(1.), (2, 3)))
    err(lambda: tg.unravel_index(o, (2, -3)), lambda: torch.unravel_index(t, (2, -3)))

# ---------------------------------------------------------------- statistics
def test_cov_corrcoef():
    x = rng.standard_normal((3, 6))
    grads(lambda lib, x: lib.cov(x), x); grads(lambda lib, x: x.corrcoef(), x)
    grads(lambda lib, x: lib.cov(x[0]), x); grads(lambda lib, x: lib.corrcoef(x[0]), x)
    fw, aw = np.array([1, 2, 1, 3, 1, 1]), rng.uniform(0.1, 2, 6)
    for corr in (0, 1, 2):
        grads(lambda lib, x, a: lib.cov(x, correction=corr, fweights=lib.from_numpy(fw), aweights=a), x, aw)
        grads(lambda lib, x: x.cov(correction=corr, fweights=lib.from_numpy(fw)), x)
    t, o = T(np.array([[1, 2, 4], [3, 1, 2]])); check(tg.cov(o), torch.cov(t)); check(tg.corrcoef(o), torch.corrcoef(t))
    t, o = T(x.astype('float32')); check(tg.cov(o), torch.cov(t)); check(tg.corrcoef(o), torch.corrcoef(t))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore'); check(tg.cov(o[:, :1]), torch.cov(t[:, :1]))
    bad = [dict(fweights=np.array([1., 2, 1, 1, 1, 1], 'float32')), dict(aweights=np.array([1, 2, 3, 1, 1, 1])),
           dict(fweights=np.array([1, 2])), dict(fweights=np.array([1, -2, 1, 1, 1, 1])), dict(fweights=np.ones((1, 6), 'int64')),
           dict(aweights=np.array([-1., 2, 1, 1, 1, 1], 'float32')), dict(fweights=np.zeros(6, 'int64'))]
    for kw in bad:
        err(lambda: tg.cov(o, **{k: tg.from_numpy(v) for k, v in kw.items()}), lambda: torch.cov(t, **{k: torch.from_numpy(v) for k, v in kw.items()}))
    err(lambda: tg.cov(tg.zeros(2, 2, 2)), lambda: torch.cov(torch.zeros(2, 2, 2)))
    err(lambda: tg.corrcoef(tg.zeros(2, 2, 2)), lambda: torch.corrcoef(torch.zeros(2, 2, 2)))

def test_renorm_trapz():
    x = rng.standard_normal((3, 4, 2))
    for p, dim, maxnorm in ((2, 0, 1.), (1, 1, 0.5), (3, -1, 2.), (math.inf, 0, 1.)):
        grads(lambda lib, x: lib.renorm(x, p, dim, maxnorm), x)
    t, o = T(x.astype('float32')); t.renorm_(2, 1, 1.); o.renorm_(2, 1, 1.); check(o, t)
    t, o = T(x.astype('float32'))
    for args in ((2, 3, 1.), (-1, 0, 1.), (2, 0, -1.)): err(lambda: o.renorm(*args), lambda: t.renorm(*args))
    err(lambda: tg.renorm(tg.ones(2), 2, 0, 1.), lambda: torch.renorm(torch.ones(2), 2, 0, 1.))
    err(lambda: tg.renorm(tg.ones(2, 2, dtype=tg.long), 2, 0, 1), lambda: torch.renorm(torch.ones(2, 2, dtype=torch.long), 2, 0, 1))
    (ty, oy), (tx, ox) = T(rng.standard_normal((2, 5))), T(np.cumsum(rng.uniform(0.1, 1, 5)))
    check(tg.trapz(oy), torch.trapz(ty)); check(tg.trapz(oy, ox), torch.trapz(ty, tx)); check(tg.trapz(oy, dx=0.5, dim=0), torch.trapz(ty, dx=0.5, dim=0))

# ---------------------------------------------------------------- linear algebra
def test_addr():
    grads(lambda lib, m, a, b: lib.addr(m, a, b, beta=0.5, alpha=2), rng.standard_normal((3, 2)), rng.standard_normal(3), rng.standard_normal(2))
    grads(lambda lib, m, a, b: m.addr(a, b), rng.standard_normal((2,)), rng.standard_normal(3), rng.standard_normal(2))
    (t, o), (tv, ov) = T(np.full((2, 2), np.nan, 'float32')), T(np.ones(2, 'float32'))
    check(tg.addr(o, ov, ov, beta=0), torch.addr(t, tv, tv, beta=0))
    (t, o), (tv, ov) = T(np.zeros((2, 2), 'int64')), T(np.array([1, 2]))
    check(tg.addr(o, ov, ov, alpha=3), torch.addr(t, tv, tv, alpha=3))
    err(lambda: tg.addr(o, ov, ov, alpha=0.5), lambda: torch.addr(t, tv, tv, alpha=0.5))
    err(lambda: tg.addr(o, ov.view(2, 1), ov), lambda: torch.addr(t, tv.view(2, 1), tv))
    err(lambda: tg.addr(tg.zeros(2, 3), tg.ones(2), tg.ones(2)), lambda: torch.addr(torch.zeros(2, 3), torch.ones(2), torch.ones(2)))
    t, o = T(np.ones((2, 2))); t.addr_(tv.double(), tv.double(), alpha=2); o.addr_(ov.double(), ov.double(), alpha=2); check(o, t)

def test_matrix_power_chain_matmul():
    A = rng.standard_normal((2, 3, 3))
    for n in (0, 1, 2, 5, -1, -3): grads(lambda lib, a: lib.matrix_power(a, n) * 1, A)
    t, o = T(np.arange(4).reshape(2, 2)); check(o.matrix_power(3), t.matrix_power(3))
    err(lambda: tg.matrix_power(o, -1), lambda: torch.matrix_power(t, -1))
    err(lambda: tg.matrix_power(tg.ones(3, 4), 2), lambda: torch.matrix_power(torch.ones(3, 4), 2))
    err(lambda: tg.matrix_power(tg.ones(3), 2), lambda: torch.matrix_power(torch.ones(3), 2))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        grads(lambda lib, a, b, c: lib.chain_matmul(a, b, c), rng.standard_normal((2, 3)), rng.standard_normal((3, 4)), rng.standard_normal((4, 2)))
        grads(lambda lib, a: lib.chain_matmul(a), rng.standard_normal((2, 3)))
        err(lambda: tg.chain_matmul(), lambda: torch.chain_matmul())
        err(lambda: tg.chain_matmul(tg.ones(2, 3), tg.ones(2, 3)), lambda: torch.chain_matmul(torch.ones(2, 3), torch.ones(2, 3)))
        err(lambda: tg.chain_matmul(tg.ones(2), tg.ones(2, 2)), lambda: torch.chain_matmul(torch.ones(2), torch.ones(2, 2)))

def test_logdet_slogdet():
    A = rng.standard_normal((4, 3, 3))
    grads(lambda lib, a: lib.slogdet(a).logabsdet, A)
    grads(lambda lib, a: lib.logdet(a @ a.mT), A)
    t, o = T(A.astype('float32'))
    check(tuple(tg.slogdet(o)), tuple(torch.slogdet(t))); check(tuple(o.slogdet()), tuple(t.slogdet()))
    check(tg.logdet(o), torch.logdet(t)); check(tg.linalg.slogdet(o).sign, torch.linalg.slogdet(t).sign)
    check(tg.logdet(tg.zeros(2, 2)), torch.logdet(torch.zeros(2, 2)))
    check(tuple(tg.slogdet(tg.zeros(2, 2))), tuple(torch.slogdet(torch.zeros(2, 2))))
    for f in (lambda lib: lib.logdet(lib.ones(2, 3)), lambda lib: lib.slogdet(lib.ones(2, 3)),
              lambda lib: lib.logdet(lib.ones(2, 2, dtype=lib.long)), lambda lib: lib.slogdet(lib.ones(2, 2, dtype=lib.long))):
        err(lambda: f(tg), lambda: f(torch))

def test_pinverse_cholesky():
    for shape in ((3, 2), (2, 4), (2, 3, 3)): grads(lambda lib, a: lib.pinverse(a), rng.standard_normal(shape))
    t, o = T(rng.standard_normal((3, 4)).astype('float32')); check(o.pinverse(rcond=0.5), t.pinverse(rcond=0.5))
    err(lambda: tg.pinverse(tg.ones(2, 2, dtype=tg.long)), lambda: torch.pinverse(torch.ones(2, 2, dtype=torch.long)))
    B = rng.standard_normal((2, 3, 3)); S = B @ B.swapaxes(-1, -2) + np.eye(3)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for upper in (False, True):
            grads(lambda lib, s: lib.cholesky(s, upper=upper), S)
            grads(lambda lib, s: s.cholesky(upper) * 1, S)
        t, o = T(S.astype('float32')); check(tg.cholesky(o), torch.cholesky(t)); check(tg.linalg.cholesky(o), torch.linalg.cholesky(t))
        err(lambda: tg.cholesky(-tg.eye(2)), lambda: torch.cholesky(-torch.eye(2)))
        M = np.diag([1., 2., -1.]).astype('float32')
        err(lambda: tg.cholesky(tg.from_numpy(M)), lambda: torch.cholesky(torch.from_numpy(M)))
        err(lambda: tg.cholesky(tg.ones(3, 4)), lambda: torch.cholesky(torch.ones(3, 4)))
    with pytest.raises(tg.linalg.LinAlgError): tg.linalg.cholesky(-tg.eye(2))
    assert issubclass(tg.linalg.LinAlgError, RuntimeError)

# ---------------------------------------------------------------- windows
@pytest.mark.parametrize('n', [0, 1, 2, 5, 8])
def test_windows(n):
    for periodic in (True, False):
        check(tg.hann_window(n, periodic), torch.hann_window(n, periodic))
        check(tg.hamming_window(n, periodic), torch.hamming_window(n, periodic))
        check(tg.hamming_window(n, periodic, alpha=0.5, beta=0.4, dtype=tg.float64), torch.hamming_window(n, periodic, alpha=0.5, beta=0.4, dtype=torch.float64))
    check(tg.hann_window(n, dtype=tg.float64), torch.hann_window(n, dtype=torch.float64))
    assert tg.hann_window(n, requires_grad=True).requires_grad
    err(lambda: tg.hann_window(4, dtype=tg.long), lambda: torch.hann_window(4, dtype=torch.long), prefix=True)
    err(lambda: tg.hamming_window(4, dtype=tg.long), lambda: torch.hamming_window(4, dtype=torch.long), prefix=True)
    err(lambda: tg.hann_window(-1), lambda: torch.hann_window(-1))
