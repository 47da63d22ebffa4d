"""Values, gradients and grad_fn names of the 04 Functions (ops, reduce_ops, matmul_ops) vs PyTorch; gradcheck on float64."""
import math
import numpy as np
import pytest
import torch
import tinygrad_edu as tg
from tinygrad_edu.autograd import gradcheck, grad as tg_grad

rng = np.random.default_rng(0)

# name, fn(m, *xs) where m is torch or tinygrad_edu, input shapes, value range, torch node name (None: don't compare)
U = lambda f: (lambda m, x: f(x))
CASES = [
    ('add', lambda m, x, y: x + y, [(2, 3), (3,)], (-2, 2), 'AddBackward0'),
    ('add_scalar', lambda m, x: x + 2, [(2, 3)], (-2, 2), 'AddBackward0'),
    ('radd', lambda m, x: 2 + x, [(2, 3)], (-2, 2), 'AddBackward0'),
    ('add_alpha', lambda m, x, y: m.add(x, y, alpha=2.5), [(2, 1), (1, 3)], (-2, 2), 'AddBackward0'),
    ('sub', lambda m, x, y: x - y, [(4, 1, 3), (2, 1)], (-2, 2), 'SubBackward0'),
    ('sub_alpha', lambda m, x, y: x.sub(y, alpha=3), [(3,), (3,)], (-2, 2), 'SubBackward0'),
    ('rsub', lambda m, x: 2 - x, [(3,)], (-2, 2), 'RsubBackward1'),
    ('mul', lambda m, x, y: x * y, [(2, 3), (2, 1)], (-2, 2), 'MulBackward0'),
    ('mul_scalar', lambda m, x: x * 3, [()], (-2, 2), 'MulBackward0'),
    ('div', lambda m, x, y: x / y, [(2, 3), (3,)], (0.5, 2), 'DivBackward0'),
    ('div_scalar', lambda m, x: x / 4, [(3,)], (0.5, 2), 'DivBackward0'),
    ('rdiv', lambda m, x: 2 / x, [(3,)], (0.5, 2), 'MulBackward0'),
    ('neg', lambda m, x: -x, [(2, 2)], (-2, 2), 'NegBackward0'),
    ('pow_scalar', lambda m, x: x ** 3, [(3,)], (-2, 2), 'PowBackward0'),
    ('pow_half', lambda m, x: x ** 0.5, [(3,)], (0.5, 2), 'PowBackward0'),
    ('pow_zero', lambda m, x: x ** 0, [(3,)], (-2, 2), 'PowBackward0'),
    ('square', lambda m, x: x.square(), [(3,)], (-2, 2), 'PowBackward0'),
    ('pow_tensor', lambda m, x, y: x ** y, [(2, 3), (3,)], (0.5, 2), 'PowBackward1'),
    ('rpow', lambda m, x: 2 ** x, [(3,)], (-2, 2), 'PowBackward2'),
    ('div_floor', lambda m, x, y: m.div(x, y, rounding_mode='floor'), [(3,), (3,)], (0.5, 4), 'DivBackward2'),
] + [(n, U(lambda x, n=n: getattr(x, n)()), [(2, 3)], r, nn) for n, r, nn in [
    ('exp', (-2, 2), 'ExpBackward0'), ('exp2', (-2, 2), 'Exp2Backward0'), ('expm1', (-2, 2), 'Expm1Backward0'),
    ('log', (0.2, 3), 'LogBackward0'), ('log2', (0.2, 3), 'Log2Backward0'), ('log10', (0.2, 3), 'Log10Backward0'),
    ('log1p', (-0.5, 3), 'Log1PBackward0'), ('sqrt', (0.2, 3), 'SqrtBackward0'), ('rsqrt', (0.2, 3), 'RsqrtBackward0'),
    ('sin', (-3, 3), 'SinBackward0'), ('cos', (-3, 3), 'CosBackward0'), ('tan', (-1, 1), 'TanBackward0'),
    ('asin', (-0.9, 0.9), 'AsinBackward0'), ('acos', (-0.9, 0.9), 'AcosBackward0'), ('atan', (-3, 3), 'AtanBackward0'),
    ('sinh', (-2, 2), 'SinhBackward0'), ('cosh', (-2, 2), 'CoshBackward0'), ('asinh', (-2, 2), 'AsinhBackward0'),
    ('acosh', (1.2, 3), 'AcoshBackward0'), ('atanh', (-0.9, 0.9), 'AtanhBackward0'), ('erf', (-2, 2), 'ErfBackward0'),
    ('erfc', (-2, 2), 'ErfcBackward0'), ('erfinv', (-0.9, 0.9), 'ErfinvBackward0'), ('abs', (-2, 2), 'AbsBackward0'),
    ('reciprocal', (0.5, 2), 'ReciprocalBackward0'), ('frac', (-3, 3), 'FracBackward0'), ('floor', (-3, 3), 'FloorBackward0'),
    ('ceil', (-3, 3), 'CeilBackward0'), ('round', (-3, 3), 'RoundBackward0'), ('trunc', (-3, 3), 'TruncBackward0'),
    ('sign', (-3, 3), 'SignBackward0'), ('sgn', (-3, 3), 'SgnBackward0')]] + [
    ('round_dec', lambda m, x: x.round(decimals=1), [(3,)], (-3, 3), 'RoundBackward1'),
    ('maximum', lambda m, x, y: m.maximum(x, y), [(2, 3), (3,)], (-2, 2), 'MaximumBackward0'),
    ('minimum', lambda m, x, y: m.minimum(x, y), [(2, 3), (2, 1)], (-2, 2), 'MinimumBackward0'),
    ('fmax', lambda m, x, y: m.fmax(x, y), [(3,), (3,)], (-2, 2), 'FmaxBackward0'),
    ('fmin', lambda m, x, y: m.fmin(x, y), [(3,), (3,)], (-2, 2), 'FminBackward0'),
    ('atan2', lambda m, x, y: m.atan2(x, y), [(2, 3), (3,)], (-2, 2), 'Atan2Backward0'),
    ('hypot', lambda m, x, y: m.hypot(x, y), [(2, 3), (3,)], (0.3, 2), 'HypotBackward0'),
    ('logaddexp', lambda m, x, y: m.logaddexp(x, y), [(2, 3), (3,)], (-2, 2), 'LogaddexpBackward0'),
    ('xlogy', lambda m, x, y: m.xlogy(x, y), [(2, 3), (3,)], (0.3, 2), 'XlogyBackward0'),
    ('remainder', lambda m, x, y: m.remainder(x, y), [(4,), (4,)], (0.3, 3), 'RemainderBackward1'),
    ('fmod', lambda m, x, y: m.fmod(x, y), [(4,), (4,)], (0.3, 3), 'FmodBackward1'),
    ('lerp', lambda m, x, y: m.lerp(x, y, 0.3), [(2, 3), (3,)], (-2, 2), 'LerpBackward0'),
    ('lerp_t', lambda m, x, y, w: m.lerp(x, y, w), [(2, 3), (3,), (2, 1)], (-2, 2), 'LerpBackward1'),
    ('clamp', lambda m, x: x.clamp(-0.5, 0.7), [(3, 4)], (-2, 2), 'ClampBackward1'),
    ('clamp_min', lambda m, x: x.clamp(min=0), [(3, 4)], (-2, 2), 'ClampBackward1'),
    ('clip_max', lambda m, x: m.clip(x, max=0.3), [(3, 4)], (-2, 2), 'ClampBackward1'),
    ('clamp_t', lambda m, x, lo, hi: x.clamp(lo - 1, hi + 1), [(3, 4), (4,), (3, 1)], (-2, 2), 'ClampBackward0'),
    ('clamp_tmin', lambda m, x, lo: x.clamp(min=lo), [(3, 4), (4,)], (-2, 2), 'ClampBackward0'),
    # reductions
    ('sum', lambda m, x: x.sum(), [(2, 3)], (-2, 2), 'SumBackward0'),
    ('sum_dim', lambda m, x: x.sum(1), [(2, 3, 4)], (-2, 2), 'SumBackward1'),
    ('sum_dims_keep', lambda m, x: x.sum((0, 2), keepdim=True), [(2, 3, 4)], (-2, 2), 'SumBackward1'),
    ('sum_0d', lambda m, x: x.sum(), [()], (-2, 2), 'SumBackward0'),
    ('mean', lambda m, x: x.mean(), [(2, 3)], (-2, 2), 'MeanBackward0'),
    ('mean_dim', lambda m, x: x.mean(-1, keepdim=True), [(2, 3)], (-2, 2), 'MeanBackward1'),
    ('max', lambda m, x: x.max(), [(2, 3)], (-2, 2), 'MaxBackward1'),
    ('min', lambda m, x: x.min(), [(2, 3)], (-2, 2), 'MinBackward1'),
    ('max_dim', lambda m, x: x.max(1)[0], [(2, 3)], (-2, 2), 'MaxBackward0'),
    ('min_dim_keep', lambda m, x: x.min(0, keepdim=True).values, [(2, 3)], (-2, 2), 'MinBackward0'),
    ('amax', lambda m, x: x.amax((0, 2)), [(2, 3, 4)], (-2, 2), 'AmaxBackward0'),
    ('amin', lambda m, x: x.amin(1, True), [(2, 3)], (-2, 2), 'AminBackward0'),
    ('var', lambda m, x: x.var(), [(2, 3)], (-2, 2), 'VarBackward0'),
    ('var_dim', lambda m, x: x.var(1, correction=0), [(2, 3)], (-2, 2), 'VarBackward0'),
    ('std', lambda m, x: x.std(0, keepdim=True), [(3, 4)], (-2, 2), 'StdBackward0'),
    ('std_unbiased', lambda m, x: x.std(unbiased=False), [(3, 4)], (-2, 2), 'StdBackward0'),
    ('std_mean', lambda m, x: m.std_mean(x, 1)[0] * 2 + m.std_mean(x, 1)[1], [(3, 4)], (-2, 2), 'AddBackward0'),
    ('var_mean', lambda m, x: m.var_mean(x)[0], [(3, 4)], (-2, 2), 'VarMeanBackward0'),
    ('prod', lambda m, x: x.prod(), [(2, 3)], (0.5, 1.5), 'ProdBackward0'),
    ('prod_dim', lambda m, x: x.prod(1), [(2, 3)], (-2, 2), 'ProdBackward1'),
    ('norm', lambda m, x: x.norm(), [(2, 3)], (-2, 2), 'LinalgVectorNormBackward0'),
    ('norm_p1', lambda m, x: x.norm(1, dim=1), [(2, 3)], (-2, 2), 'LinalgVectorNormBackward0'),
    ('norm_p3', lambda m, x: x.norm(3, dim=0, keepdim=True), [(2, 3)], (-2, 2), 'LinalgVectorNormBackward0'),
    ('norm_inf', lambda m, x: x.norm(float('inf')), [(2, 3)], (-2, 2), 'LinalgVectorNormBackward0'),
    ('logsumexp', lambda m, x: x.logsumexp(1), [(2, 3)], (-2, 2), 'LogsumexpBackward0'),
    ('logsumexp2', lambda m, x: x.logsumexp((0, 1), keepdim=True), [(2, 3)], (-2, 2), 'LogsumexpBackward0'),
    ('cumsum', lambda m, x: x.cumsum(1), [(2, 3)], (-2, 2), 'CumsumBackward0'),
    ('cumprod', lambda m, x: x.cumprod(0), [(3, 2)], (0.5, 2), 'CumprodBackward0'),
    ('median', lambda m, x: x.median(), [(2, 3)], (-2, 2), 'MedianBackward0'),
    ('median_dim', lambda m, x: x.median(1)[0], [(2, 3)], (-2, 2), 'MedianBackward1'),
    ('kthvalue', lambda m, x: x.kthvalue(2, 0)[0], [(3, 4)], (-2, 2), 'KthvalueBackward0'),
    ('mode', lambda m, x: (x.round() ).mode(1)[0] + x.sum(1), [(3, 6)], (-2, 2), None),
    # products
    ('mm', lambda m, a, b: a.mm(b), [(2, 3), (3, 4)], (-2, 2), 'MmBackward0'),
    ('bmm', lambda m, a, b: m.bmm(a, b), [(5, 2, 3), (5, 3, 4)], (-2, 2), 'BmmBackward0'),
    ('mv', lambda m, a, b: a.mv(b), [(2, 3), (3,)], (-2, 2), 'MvBackward0'),
    ('dot', lambda m, a, b: a.dot(b), [(3,), (3,)], (-2, 2), 'DotBackward0'),
    ('vdot', lambda m, a, b: m.vdot(a, b), [(3,), (3,)], (-2, 2), 'VdotBackward0'),
    ('outer', lambda m, a, b: m.outer(a, b), [(3,), (4,)], (-2, 2), 'MulBackward0'),
    ('matmul_mm', lambda m, a, b: a @ b, [(2, 3), (3, 4)], (-2, 2), 'MmBackward0'),
    ('matmul_vm', lambda m, a, b: a @ b, [(3,), (3, 4)], (-2, 2), 'SqueezeBackward4'),
    ('matmul_batch', lambda m, a, b: a @ b, [(5, 2, 3), (3, 4)], (-2, 2), 'UnsafeViewBackward0'),
    ('matmul_bcast', lambda m, a, b: m.matmul(a, b), [(2, 1, 2, 3), (4, 3, 2)], (-2, 2), None),
    ('matmul_bv', lambda m, a, b: a @ b, [(5, 2, 3), (3,)], (-2, 2), None),
    ('addmm', lambda m, i, a, b: m.addmm(i, a, b, beta=0.5, alpha=2), [(4,), (2, 3), (3, 4)], (-2, 2), 'AddmmBackward0'),
    ('baddbmm', lambda m, i, a, b: m.baddbmm(i, a, b), [(1, 2, 4), (5, 2, 3), (5, 3, 4)], (-2, 2), 'BaddbmmBackward0'),
    ('einsum_mm', lambda m, a, b: m.einsum('ij,jk->ik', a, b), [(2, 3), (3, 4)], (-2, 2), None),
    ('einsum_T', lambda m, a: m.einsum('ijk->ikj', a), [(2, 3, 4)], (-2, 2), None),
    ('einsum_diag', lambda m, a: m.einsum('ii->i', a), [(4, 4)], (-2, 2), None),
    ('einsum_trace', lambda m, a: m.einsum('ii', a), [(4, 4)], (-2, 2), None),
    ('einsum_sum', lambda m, a: m.einsum('ij->i', a), [(4, 5)], (-2, 2), None),
    ('einsum_had', lambda m, a, b: m.einsum('ij, ij->ij', a, b), [(3, 4), (3, 4)], (-2, 2), None),
    ('einsum_dot', lambda m, a, b: m.einsum('i,i->', a, b), [(5,), (5,)], (-2, 2), None),
    ('einsum_outer', lambda m, a, b: m.einsum('i,j->ij', a, b), [(5,), (3,)], (-2, 2), None),
    ('einsum_contract', lambda m, a, b: m.einsum('ijk,jih->kh', a, b), [(3, 4, 5), (4, 3, 6)], (-2, 2), None),
    ('einsum_bmm', lambda m, a, b: m.einsum('bij, bjk -> bik', a, b), [(2, 4, 3), (2, 3, 4)], (-2, 2), None),
    ('einsum_ell', lambda m, a, b: m.einsum('...ij,...jk->...ik', a, b), [(2, 2, 3), (2, 3, 4)], (-2, 2), None),
    ('einsum_3', lambda m, a, b, c: m.einsum('ij,jk,kl->il', a, b, c), [(2, 3), (3, 4), (4, 5)], (-2, 2), None),
    ('tensordot', lambda m, a, b: m.tensordot(a, b, dims=([0, 1], [1, 0])), [(3, 4, 5), (4, 3, 6)], (-2, 2), None),
    ('tensordot2', lambda m, a, b: m.tensordot(a, b), [(3, 4, 5), (4, 5, 6)], (-2, 2), None),
    ('inner', lambda m, a, b: m.inner(a, b), [(2, 3), (4, 3)], (-2, 2), None),
    ('cdist', lambda m, a, b: m.cdist(a, b), [(4, 3), (5, 3)], (-2, 2), 'CdistBackward0'),
    ('cdist_p1', lambda m, a, b: m.cdist(a, b, p=1.0), [(4, 3), (5, 3)], (-2, 2), 'CdistBackward0'),
    ('cdist_p3', lambda m, a, b: m.cdist(a, b, p=3.0), [(2, 4, 3), (2, 5, 3)], (-2, 2), 'CdistBackward0'),
    ('det', lambda m, a: a.det(), [(3, 3)], (-2, 2), 'LinalgDetBackward0'),
    ('det_batch', lambda m, a: m.det(a), [(2, 3, 3)], (-2, 2), 'LinalgDetBackward0'),
    ('inverse', lambda m, a: (a + 3 * m.eye(3, dtype=a.dtype)).inverse(), [(3, 3)], (-1, 1), None),
    ('trace', lambda m, a: a.trace(), [(3, 3)], (-2, 2), 'TraceBackward0'),
    # composites a learner writes
    ('mlp', lambda m, x, w, b: ((x @ w + b).clamp(min=0) ** 2).mean(), [(4, 3), (3, 5), (5,)], (-2, 2), 'MeanBackward0'),
    ('cosine', lambda m, a, b: (a * b).sum(0) / (a.norm(dim=0) * b.norm(dim=0)), [(2,), (2,)], (0.2, 2), 'DivBackward0'),
    ('softmax_manual', lambda m, x: (x - x.logsumexp(1, keepdim=True)).exp(), [(2, 5)], (-2, 2), 'ExpBackward0'),
]
IDS = [c[0] for c in CASES]

def make(shapes, lo, hi, dtype):
    return [rng.uniform(lo, hi, s).astype(dtype) for s in shapes]

def run(case, arrays):
    name, fn, shapes, (lo, hi), node = case
    tt = [torch.tensor(a, requires_grad=True) for a in arrays]
    ot = [tg.tensor(a, requires_grad=True) for a in arrays]
    tout, oout = fn(torch, *tt), fn(tg, *ot)
    return tt, ot, tout, oout

@pytest.mark.parametrize('case', CASES, ids=IDS)
@pytest.mark.parametrize('dtype,tol', [('float32', 2e-4), ('float64', 1e-9)])
def test_values_and_grads(case, dtype, tol):
    name, fn, shapes, (lo, hi), node = case
    arrays = make(shapes, lo, hi, dtype)
    tt, ot, tout, oout = run(case, arrays)
    assert str(oout.dtype) == str(tout.dtype) and tuple(oout.shape) == tuple(tout.shape)
    np.testing.assert_allclose(oout.detach().numpy(), tout.detach().numpy(), rtol=tol, atol=tol)
    if node is not None: assert type(oout.grad_fn).__name__ == node
    g = rng.standard_normal(tuple(tout.shape)).astype(dtype)
    tout.backward(torch.tensor(g)); oout.backward(tg.tensor(g))
    for t, o in zip(tt, ot):
        assert (o.grad is None) == (t.grad is None)
        if t.grad is not None:
            assert str(o.grad.dtype) == str(t.grad.dtype)
            np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(force=True), rtol=tol * 10, atol=tol * 10)

FLAT = {'floor', 'ceil', 'round', 'trunc', 'sign', 'sgn', 'round_dec', 'div_floor', 'mode'}
@pytest.mark.parametrize('case', [c for c in CASES if c[0] not in FLAT], ids=[c[0] for c in CASES if c[0] not in FLAT])
def test_gradcheck(case):
    name, fn, shapes, (lo, hi), node = case
    xs = [tg.tensor(a, requires_grad=True) for a in make(shapes, lo, hi, 'float64')]
    assert gradcheck(lambda *t: fn(tg, *t), xs)

# ---------------------------------------------------------------- ties, int operands, double backward, errors
def test_max_ties_split_like_torch():
    for expr in ('x.max()', 'x.min()', 'x.amax()', 'x.amax(1)', 'x.max(1)[0]', 'x.min(0)[0]', 'x.norm(float("inf"))', 'x.median()'):
        a = np.array([[1., 3., 3.], [2., 2., 0.]])
        t, o = torch.tensor(a, requires_grad=True), tg.tensor(a, requires_grad=True)
        eval(expr, {'x': t}).sum().backward(); eval(expr, {'x': o}).sum().backward()
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), err_msg=expr)

def test_maximum_ties_and_clamp_edges():
    a, b = np.array([1., 2., 3.]), np.array([1., 5., 3.])
    t1, t2 = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    o1, o2 = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
    torch.maximum(t1, t2).sum().backward(); tg.maximum(o1, o2).sum().backward()
    np.testing.assert_allclose(o1.grad.numpy(), t1.grad.numpy()); np.testing.assert_allclose(o2.grad.numpy(), t2.grad.numpy())
    c = np.array([-1., 0., 0.5, 1., 2.])
    tc, oc = torch.tensor(c, requires_grad=True), tg.tensor(c, requires_grad=True)
    tc.clamp(0, 1).sum().backward(); oc.clamp(0, 1).sum().backward()
    np.testing.assert_allclose(oc.grad.numpy(), tc.grad.numpy())

def test_int_and_mixed_operands():
    x = np.array([1., 2., 3.], dtype=np.float32)
    t, o = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    (t * torch.arange(3) + t.double()).sum().backward(); (o * tg.arange(3) + o.double()).sum().backward()
    np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy()); assert o.grad.dtype == tg.float32
    assert (tg.arange(3) + 1).grad_fn is None and not (tg.arange(3) * 2.5).requires_grad
    with tg.no_grad(): assert (o * 2).grad_fn is None

def test_pow_edge_cases():
    a, b = np.array([0., 0., 2.]), np.array([0., 2., -1.])
    t1, t2 = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    o1, o2 = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
    (t1 ** t2).sum().backward(); (o1 ** o2).sum().backward()
    np.testing.assert_allclose(o1.grad.numpy(), t1.grad.numpy()); np.testing.assert_allclose(o2.grad.numpy(), t2.grad.numpy())
    t, o = torch.tensor(a, requires_grad=True), tg.tensor(a, requires_grad=True)
    (t ** 0).sum().backward(); (o ** 0).sum().backward(); np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy())

def test_prod_with_zeros():
    for a in (np.array([2., 0., 3.]), np.array([0., 0., 3.]), np.array([[1., 0.], [2., 3.]])):
        for d in (None, 0):
            t, o = torch.tensor(a, requires_grad=True), tg.tensor(a, requires_grad=True)
            (t.prod() if d is None else t.prod(d)).sum().backward(); (o.prod() if d is None else o.prod(d)).sum().backward()
            np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy())

@pytest.mark.parametrize('expr', ['(x.sin() * x).sum()', '(x ** 3).sum()', '(x.exp() / (1 + x * x)).sum()', 'x.norm()',
                                  '(x * x).mean()', 'x.logsumexp(0)', '(x.std() + x.var())', '(x @ x)', 'x.log1p().sum()'])
def test_double_backward(expr):
    a = np.array([0.3, 0.7, 1.1])
    t, o = torch.tensor(a, requires_grad=True), tg.tensor(a, requires_grad=True)
    g1t, = torch.autograd.grad(eval(expr, {'x': t}), t, create_graph=True)
    g1o, = tg_grad(eval(expr, {'x': o}), o, create_graph=True)
    np.testing.assert_allclose(g1o.detach().numpy(), g1t.detach().numpy(), rtol=1e-10)
    g2t, = torch.autograd.grad(g1t.sum(), t); g2o, = tg_grad(g1o.sum(), o)
    np.testing.assert_allclose(g2o.numpy(), g2t.numpy(), rtol=1e-9, atol=1e-12)

def test_next_functions_chain():
    x = tg.ones(2, 2, requires_grad=True); y = x + 2; z = y * y * 3; out = z.mean()
    assert type(out.grad_fn).__name__ == 'MeanBackward0'
    assert type(out.grad_fn.next_functions[0][0]).__name__ == 'MulBackward0'
    mul = out.grad_fn.next_functions[0][0]
    assert type(mul.next_functions[0][0]).__name__ == 'MulBackward0'
    add = mul.next_functions[0][0].next_functions[0][0]
    assert type(add).__name__ == 'AddBackward0' and type(add.next_functions[0][0]).__name__ == 'AccumulateGrad'
    out.backward(); np.testing.assert_allclose(x.grad.numpy(), np.full((2, 2), 4.5))

def test_errors_with_grad():
    x = tg.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match='must match the size'): x + tg.ones(2)
    with pytest.raises(RuntimeError, match='mat1 and mat2 shapes cannot be multiplied'): tg.ones(2, 3, requires_grad=True).mm(tg.ones(4, 5))
    with pytest.raises(IndexError, match='Dimension out of range'): x.sum(3)
    with pytest.raises(RuntimeError, match='mean\\(\\): could not infer output dtype'): tg.arange(3).mean()
    with pytest.raises(RuntimeError, match='grad can be implicitly created only for scalar outputs'): (x * 2).backward()
    y = x.exp(); y.add_(1) if False else None
    z = x * 1; e = z.exp(); z.mul_(2)
    with pytest.raises(RuntimeError, match='modified by an inplace operation'): e.backward(tg.ones(3))

def test_seed_000_autograd_snippets():
    "seed 000 §二: y = x + 2; z = y*y*3; out = z.mean(); out.backward(); x.grad is 4.5 everywhere."
    x = tg.ones(2, 2, requires_grad=True); y = x + 2
    assert repr(y).endswith('grad_fn=<AddBackward0>)')
    z = y * y * 3; out = z.mean()
    assert repr(out) == repr(((torch.ones(2, 2, requires_grad=True) + 2) ** 2 * 3).mean()).replace('PowBackward0', 'MeanBackward0') or repr(out).endswith('grad_fn=<MeanBackward0>)')
    out.backward(); np.testing.assert_allclose(x.grad.numpy(), np.full((2, 2), 4.5))
    a = tg.randn(2, 2); a = ((a * 3) / (a - 1)); assert a.requires_grad is False
    a.requires_grad_(True); b = (a * a).sum(); assert type(b.grad_fn).__name__ == 'SumBackward0'
    v = tg.tensor([0.1, 1.0, 0.0001]); x = tg.randn(3, requires_grad=True); y = x * 2
    y.backward(v); np.testing.assert_allclose(x.grad.numpy(), 2 * v.numpy())
