"""Notebooks 04f (conv, pooling, norms, linear, dropout, embedding), 04g (activations, losses) and 05c (unfold, fold) against PyTorch:
values, gradients, grad_fn names, errors, and gradcheck on float64."""
import re, warnings
import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from tinygrad_edu.tensor import Tensor, tensor
from tinygrad_edu.autograd import gradcheck
from tinygrad_edu import conv as C, losses as L

def _pair(a, rg):
    return tensor(a, requires_grad=rg), torch.tensor(a, requires_grad=rg)

def compare(ours, theirs, arrays, grad_of=None, name=None, tol=None):
    """Run `ours` and `theirs` on the same arrays (float ones require grad unless `grad_of` says which),
    backprop the same random gradient, compare outputs, input gradients and the grad_fn name."""
    rs = np.random.RandomState(1)
    grad_of = grad_of or [a.dtype.kind == 'f' for a in arrays]
    pairs = [_pair(a, rg) for a, rg in zip(arrays, grad_of)]
    yo, yt = ours(*[p[0] for p in pairs]), theirs(*[p[1] for p in pairs])
    if isinstance(yt, tuple): yo, yt = yo[0], yt[0]
    f32 = yt.dtype == torch.float32
    rtol, atol = tol or ((2e-4, 2e-5) if f32 else (1e-9, 1e-11))
    assert tuple(yo.shape) == tuple(yt.shape)
    np.testing.assert_allclose(yo.detach().numpy(), yt.detach().numpy(), rtol=rtol, atol=atol)
    g = np.asarray(rs.randn(*yt.shape), dtype=yt.detach().numpy().dtype)
    yo.backward(tensor(g)); yt.backward(torch.tensor(g))
    for (o, t), rg in zip(pairs, grad_of):
        if rg: np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol * 10)
    assert yo.grad_fn.name() == (name or type(yt.grad_fn).__name__)

R = np.random.RandomState(0)
def rn(*s, dt=np.float64): return R.randn(*s).astype(dt)

# ---------------------------------------------------------------- convolution
CONV_CASES = [  # x shape, w shape, kwargs
    ((2, 3, 8, 8), (4, 3, 3, 3), {}),
    ((2, 3, 9, 7), (4, 3, 3, 3), dict(stride=2, padding=1)),
    ((1, 4, 9, 8), (6, 2, 3, 2), dict(groups=2, padding=(2, 1), stride=(1, 3), dilation=(2, 1))),
    ((2, 4, 7, 7), (4, 1, 3, 3), dict(groups=4, padding=1)),                  # depthwise
    ((2, 3, 8, 8), (5, 3, 4, 4), dict(padding='same')),                       # even kernel: extra pad at the end
    ((2, 3, 10, 9), (5, 3, 3, 3), dict(padding='same', dilation=2)),
    ((2, 3, 8, 8), (5, 3, 3, 3), dict(padding='valid', stride=3)),
    ((2, 6, 5, 5), (4, 6, 1, 1), {}),                                          # 1x1
    ((3, 8, 8), (4, 3, 3, 3), dict(padding=1)),                                # unbatched
    ((2, 3, 4, 4), (2, 3, 5, 5), dict(padding=2, stride=2)),
]

@pytest.mark.parametrize('xs,ws,kw', CONV_CASES)
@pytest.mark.parametrize('dt', [np.float64, np.float32])
def test_conv2d(xs, ws, kw, dt):
    arrays = [rn(*xs, dt=dt), rn(*ws, dt=dt), rn(ws[0], dt=dt)]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        compare(lambda x, w, b: C.conv2d(x, w, b, **kw), lambda x, w, b: TF.conv2d(x, w, b, **kw), arrays, name='ConvolutionBackward0')
        compare(lambda x, w: C.conv2d(x, w, **kw), lambda x, w: TF.conv2d(x, w, **kw), arrays[:2], name='ConvolutionBackward0')

@pytest.mark.parametrize('kw', [{}, dict(stride=2, padding=1), dict(padding='same', dilation=2), dict(groups=3)])
def test_conv1d(kw):
    ws = (6, 1, 3) if kw.get('groups') else (4, 3, 3)
    arrays = [rn(2, 3, 11), rn(*ws), rn(ws[0])]
    compare(lambda x, w, b: C.conv1d(x, w, b, **kw), lambda x, w, b: TF.conv1d(x, w, b, **kw), arrays)

def test_conv_grad_only_some_inputs():
    x, w = rn(2, 3, 6, 6), rn(4, 3, 3, 3)
    compare(lambda x, w: C.conv2d(x, w), lambda x, w: TF.conv2d(x, w), [x, w], grad_of=[False, True])
    compare(lambda x, w: C.conv2d(x, w), lambda x, w: TF.conv2d(x, w), [x, w], grad_of=[True, False])

@pytest.mark.parametrize('fn', [
    lambda F, t: F.conv2d(t(rn(4, 3, 8, 8)), t(rn(5, 2, 3, 3))),
    lambda F, t: F.conv2d(t(rn(4, 3, 8, 8)), t(rn(5, 3, 3, 3)), padding='same', stride=2),
    lambda F, t: F.conv2d(t(rn(4, 3, 8, 8)), t(rn(5, 3, 3, 3)), padding='foo'),
    lambda F, t: F.conv2d(t(rn(1, 3, 2, 2)), t(rn(5, 3, 3, 3))),
    lambda F, t: F.conv2d(t(rn(4, 3, 8, 8)), t(rn(5, 3, 3, 3)), groups=2),
    lambda F, t: F.conv2d(t(rn(4, 3, 8, 8)), t(rn(5, 3, 3, 3, dt=np.float32))),
    lambda F, t: F.conv2d(t(rn(4, 3, 8, 8)), t(rn(5, 3, 3, 3)), t(rn(4))),
])
def test_conv_errors(fn):
    with pytest.raises(Exception) as te: fn(TF, torch.tensor)
    with pytest.raises(type(te.value)) as oe: fn(C, tensor)
    assert str(oe.value) == str(te.value)

def test_conv_gradcheck():
    x, w, b = (tensor(rn(*s), requires_grad=True) for s in [(2, 4, 5, 5), (4, 2, 3, 2), (4,)])
    assert gradcheck(lambda x, w, b: C.conv2d(x, w, b, stride=(2, 1), padding=1, dilation=(1, 2), groups=2), (x, w, b))

# ---------------------------------------------------------------- pooling
MAXPOOL = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=2, ceil_mode=True),
           dict(kernel_size=(2, 3), stride=1, dilation=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
           dict(kernel_size=(3, 2), stride=(2, 1))]

@pytest.mark.parametrize('kw', MAXPOOL)
@pytest.mark.parametrize('dt', [np.float64, np.float32])
def test_max_pool2d(kw, dt):
    x = rn(2, 3, 9, 8, dt=dt)
    compare(lambda x: C.max_pool2d(x, **kw), lambda x: TF.max_pool2d(x, **kw), [x])
    io = C.max_pool2d(tensor(x), return_indices=True, **kw)[1].numpy()
    it = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)[1].numpy()
    np.testing.assert_array_equal(io, it)

def test_max_pool2d_nan():
    x = rn(2, 2, 6, 6); x[0, 0, 1, 1] = x[0, 0, 0, 0] = x[1, 1, 4, 4] = np.nan
    o, t = C.max_pool2d(tensor(x), 3, 2, 1, return_indices=True), TF.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    np.testing.assert_array_equal(o[1].numpy(), t[1].numpy()); np.testing.assert_array_equal(o[0].numpy(), t[0].numpy())

def test_max_pool2d_ties_and_unbatched():
    x = np.zeros((2, 4, 4))
    compare(lambda x: C.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2), [x])                 # all ties: first wins
    compare(lambda x: C.max_pool2d(x, 3, 1, 1), lambda x: TF.max_pool2d(x, 3, 1, 1), [np.round(rn(2, 5, 5))])

AVGPOOL = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
           dict(kernel_size=3, stride=2, ceil_mode=True), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
           dict(kernel_size=2, divisor_override=3), dict(kernel_size=(3, 2), stride=(1, 2), padding=(1, 0))]

@pytest.mark.parametrize('kw', AVGPOOL)
@pytest.mark.parametrize('dt', [np.float64, np.float32])
def test_avg_pool2d(kw, dt):
    compare(lambda x: C.avg_pool2d(x, **kw), lambda x: TF.avg_pool2d(x, **kw), [rn(2, 3, 9, 8, dt=dt)])

@pytest.mark.parametrize('o', [1, (3, 2), (4, None), 5, (2, 7)])
def test_adaptive_pools(o):
    x = rn(2, 3, 9, 7)
    compare(lambda x: C.adaptive_avg_pool2d(x, o), lambda x: TF.adaptive_avg_pool2d(x, o), [x])
    compare(lambda x: C.adaptive_max_pool2d(x, o), lambda x: TF.adaptive_max_pool2d(x, o), [x])

@pytest.mark.parametrize('fn', [lambda F, x: F.max_pool2d(x, 10), lambda F, x: F.max_pool2d(x, 3, padding=2),
                                lambda F, x: F.avg_pool2d(x, 3, padding=2), lambda F, x: F.max_pool2d(x[0, 0, 0], 2)])
def test_pool_errors(fn):
    x = rn(4, 3, 8, 8)
    with pytest.raises(RuntimeError) as te: fn(TF, torch.tensor(x))
    with pytest.raises(RuntimeError) as oe: fn(C, tensor(x))
    if 'Expected' not in str(te.value): assert str(oe.value) == str(te.value)

def test_pool_gradcheck():
    x = tensor(rn(1, 2, 6, 5), requires_grad=True)
    assert gradcheck(lambda x: C.max_pool2d(x, 3, 2, 1, ceil_mode=True), (x,))
    assert gradcheck(lambda x: C.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), (x,))
    assert gradcheck(lambda x: C.adaptive_avg_pool2d(x, (4, 3)), (x,))
    assert gradcheck(lambda x: C.adaptive_max_pool2d(x, (4, 3)), (x,))

# ---------------------------------------------------------------- normalisation
@pytest.mark.parametrize('shape', [(4, 3), (4, 3, 5), (2, 3, 4, 5)])
@pytest.mark.parametrize('training', [True, False])
@pytest.mark.parametrize('affine', [True, False])
@pytest.mark.parametrize('dt', [np.float64, np.float32])
def test_batch_norm(shape, training, affine, dt):
    C_ = shape[1]
    rm, rv = rn(C_, dt=dt), (R.rand(C_) + .5).astype(dt)
    rmo, rvo, rmt, rvt = tensor(rm.copy()), tensor(rv.copy()), torch.tensor(rm), torch.tensor(rv)
    arrays = [rn(*shape, dt=dt)] + ([rn(C_, dt=dt), rn(C_, dt=dt)] if affine else [])
    compare(lambda x, *wb: C.batch_norm(x, rmo, rvo, *wb, training=training, momentum=0.3),
            lambda x, *wb: TF.batch_norm(x, rmt, rvt, *wb, training=training, momentum=0.3), arrays)
    tol = 1e-5 if dt == np.float32 else 1e-12
    np.testing.assert_allclose(rmo.numpy(), rmt.numpy(), rtol=tol, atol=tol)   # in-place running stats, unbiased var
    np.testing.assert_allclose(rvo.numpy(), rvt.numpy(), rtol=tol, atol=tol)

def test_batch_norm_weight_only_and_no_stats():
    x, w = rn(5, 3), rn(3)
    compare(lambda x, w: C.batch_norm(x, None, None, w, None, True), lambda x, w: TF.batch_norm(x, None, None, w, None, True), [x, w])
    with pytest.raises(ValueError, match=r"Expected more than 1 value per channel when training, got input size torch.Size\(\[1, 3\]\)"):
        C.batch_norm(tensor(rn(1, 3)), tensor(np.zeros(3)), tensor(np.ones(3)), training=True)

@pytest.mark.parametrize('nshape,affine', [((5,), True), ((4, 5), True), ((5,), False)])
def test_layer_norm(nshape, affine):
    arrays = [rn(2, 3, 4, 5)] + ([rn(*nshape), rn(*nshape)] if affine else [])
    compare(lambda x, *wb: C.layer_norm(x, nshape, *wb), lambda x, *wb: TF.layer_norm(x, nshape, *wb), arrays)
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[7\], expected input with shape \[\*, 7\], but got input of size\[2, 3\]"):
        C.layer_norm(tensor(rn(2, 3)), (7,))

@pytest.mark.parametrize('G', [1, 2, 6])
def test_group_norm(G):
    compare(lambda x, w, b: C.group_norm(x, G, w, b), lambda x, w, b: TF.group_norm(x, G, w, b), [rn(2, 6, 3, 4), rn(6), rn(6)])

def test_norm_gradcheck():
    x, w, b = (tensor(rn(*s), requires_grad=True) for s in [(4, 3, 2, 2), (3,), (3,)])
    assert gradcheck(lambda x, w, b: C.batch_norm(x, None, None, w, b, training=True), (x, w, b))
    x2, w2, b2 = (tensor(rn(*s), requires_grad=True) for s in [(3, 4), (4,), (4,)])
    assert gradcheck(lambda x, w, b: C.layer_norm(x, (4,), w, b), (x2, w2, b2))
    assert gradcheck(lambda x, w, b: C.group_norm(x, 3, w, b), (tensor(rn(2, 6, 2), requires_grad=True), *(tensor(rn(6), requires_grad=True) for _ in range(2))))

# ---------------------------------------------------------------- linear, dropout, embedding
@pytest.mark.parametrize('xs,bias,name', [((5, 3), True, 'AddmmBackward0'), ((5, 3), False, 'MmBackward0'), ((2, 5, 3), True, 'ViewBackward0'),
                                          ((3,), True, 'ViewBackward0')])
def test_linear(xs, bias, name):
    arrays = [rn(*xs), rn(4, 3)] + ([rn(4)] if bias else [])
    compare(lambda *a: C.linear(*a), lambda *a: TF.linear(*a), arrays, name=name)
    assert gradcheck(lambda *a: C.linear(*a), tuple(tensor(a, requires_grad=True) for a in arrays))

def test_linear_error():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(5x3 and 4x4\)"):
        C.linear(tensor(rn(5, 3)), tensor(rn(4, 4)))
    with pytest.raises(RuntimeError) as e: TF.linear(torch.tensor(rn(5, 3)), torch.tensor(rn(4, 4)))
    assert 'mat1 and mat2 shapes cannot be multiplied (5x3 and 4x4)' in str(e.value)

def test_dropout():
    from tinygrad_edu.random import manual_seed
    x = tensor(np.ones((200, 50)), requires_grad=True)
    manual_seed(0); y = C.dropout(x, 0.3)
    a = y.detach().numpy()
    assert set(np.unique(a).round(6)) <= {0.0, round(1 / 0.7, 6)} and abs((a == 0).mean() - 0.3) < 0.02
    y.backward(tensor(np.ones((200, 50))))
    np.testing.assert_array_equal(x.grad.numpy(), a)                                        # backward uses the same mask
    manual_seed(0); np.testing.assert_array_equal(C.dropout(x, 0.3).detach().numpy(), a)  # reproducible
    assert y.grad_fn.name() == 'MulBackward0'
    assert C.dropout(x, 0.5, training=False) is x
    np.testing.assert_array_equal(C.dropout(x, 1.0).detach().numpy(), 0)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"): C.dropout(x, 1.5)

@pytest.mark.parametrize('kw', [{}, dict(padding_idx=0), dict(padding_idx=-1), dict(scale_grad_by_freq=True)])
def test_embedding(kw):
    idx = np.array([[1, 0, 3], [3, 3, 4]])
    compare(lambda i, w: C.embedding(i, w, **kw), lambda i, w: TF.embedding(i, w, **kw), [idx, rn(5, 3)], grad_of=[False, True])
    with pytest.raises(IndexError, match="index out of range in self"): C.embedding(tensor([5]), tensor(rn(5, 3)))

def test_embedding_max_norm():
    w = rn(5, 3) * 3
    wo, wt = tensor(w.copy()), torch.tensor(w.copy())
    C.embedding(tensor([1, 2]), wo, max_norm=1.0); TF.embedding(torch.tensor([1, 2]), wt, max_norm=1.0)
    np.testing.assert_allclose(wo.numpy(), wt.numpy(), rtol=1e-6)

# ---------------------------------------------------------------- activations, softmax
ACTS = ['relu', 'leaky_relu', 'elu', 'selu', 'gelu', 'silu', 'softplus', 'hardtanh', 'relu6', 'sigmoid', 'tanh']

@pytest.mark.parametrize('name', ACTS)
@pytest.mark.parametrize('dt', [np.float64, np.float32])
def test_activations(name, dt):
    x = (rn(4, 5) * 3).astype(dt)
    x[0, :3] = [0, 30, -30]                                   # kinks and saturation
    compare(getattr(L, name), getattr(TF, name, None) or getattr(torch, name), [x])
    assert gradcheck(getattr(L, name), (tensor(rn(3, 4), requires_grad=True),))

@pytest.mark.parametrize('fo,ft', [(lambda x: L.leaky_relu(x, 0.2), lambda x: TF.leaky_relu(x, 0.2)), (lambda x: L.elu(x, 0.5), lambda x: TF.elu(x, 0.5)),
    (lambda x: L.gelu(x, approximate='tanh'), lambda x: TF.gelu(x, approximate='tanh')), (lambda x: L.softplus(x, 2, 3), lambda x: TF.softplus(x, 2, 3)),
    (lambda x: L.hardtanh(x, -0.5, 2.), lambda x: TF.hardtanh(x, -0.5, 2.)), (lambda x: x.relu(), lambda x: x.relu()),
    (lambda x: x.sigmoid(), lambda x: x.sigmoid()), (lambda x: x.tanh(), lambda x: x.tanh())])
def test_activation_options(fo, ft):
    compare(fo, ft, [rn(4, 5) * 3])

def test_inplace_relu():
    xo, xt = tensor(rn(3, 4), requires_grad=True), torch.tensor(rn(3, 4), requires_grad=True)
    a = rn(3, 4)
    yo = L.relu(tensor(a), inplace=True); yt = TF.relu(torch.tensor(a), inplace=True)
    np.testing.assert_array_equal(yo.numpy(), yt.numpy())
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place operation."): L.relu(xo, inplace=True)

@pytest.mark.parametrize('dim', [0, 1, -1, 2])
@pytest.mark.parametrize('dt', [np.float64, np.float32])
def test_softmax(dim, dt):
    x = (rn(3, 4, 5) * 5).astype(dt)
    x[0, 0, 0] = 200                                         # large values must not overflow
    compare(lambda x: L.softmax(x, dim), lambda x: TF.softmax(x, dim), [x])
    compare(lambda x: L.log_softmax(x, dim), lambda x: TF.log_softmax(x, dim), [x])
    compare(lambda x: x.softmax(dim), lambda x: x.softmax(dim), [x])
    compare(lambda x: x.log_softmax(dim), lambda x: x.log_softmax(dim), [x])

def test_softmax_gradcheck_and_implicit_dim():
    x = tensor(rn(3, 4), requires_grad=True)
    assert gradcheck(lambda x: L.softmax(x, 1), (x,)) and gradcheck(lambda x: L.log_softmax(x, 0), (x,))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax has been deprecated"): L.softmax(x)
    with pytest.raises(IndexError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 3\)"): L.softmax(x, 3)

# ---------------------------------------------------------------- cross-entropy, nll
W5 = R.rand(5) + .2
CE_OPTS = [{}, dict(reduction='sum'), dict(reduction='none'), dict(weight=True), dict(weight=True, reduction='none', label_smoothing=.2),
           dict(label_smoothing=.3), dict(weight=True, label_smoothing=.3), dict(ignore_index=2, weight=True, reduction='sum'),
           dict(ignore_index=2, label_smoothing=.1)]

def _opts(kw, mk):
    return {k: (mk(W5.astype(v)) if k == 'weight' else v) for k, v in kw.items()}

@pytest.mark.parametrize('shape,tshape', [((6, 5), (6,)), ((3, 5, 2, 4), (3, 2, 4)), ((3, 5, 4), (3, 4)), ((5,), ())])
@pytest.mark.parametrize('kw', CE_OPTS)
@pytest.mark.parametrize('dt', [np.float64, np.float32])
def test_cross_entropy_and_nll(shape, tshape, kw, dt):
    x, t = rn(*shape, dt=dt), np.asarray(R.randint(0, 5, size=tshape))
    if t.ndim: t.reshape(-1)[0] = -100 if 'ignore_index' not in kw else kw['ignore_index']
    kw = {k: (dt if k == 'weight' else v) for k, v in kw.items()}
    name = None if t.ndim != 2 else None
    compare(lambda x, t: L.cross_entropy(x, t, **_opts(kw, tensor)), lambda x, t: TF.cross_entropy(x, t, **_opts(kw, torch.tensor)), [x, t],
            name='NllLossBackward0' if len(shape) == 3 and not kw.get('label_smoothing') else None)
    nkw = {k: v for k, v in kw.items() if k != 'label_smoothing'}
    compare(lambda x, t: L.nll_loss(x, t, **_opts(nkw, tensor)), lambda x, t: TF.nll_loss(x, t, **_opts(nkw, torch.tensor)), [x, t],
            name='NllLossBackward0' if len(shape) == 3 else None)

@pytest.mark.parametrize('shape', [(6, 5), (3, 5, 2, 4), (5,)])
@pytest.mark.parametrize('kw', [{}, dict(reduction='sum'), dict(reduction='none', label_smoothing=.2), dict(weight=np.float64), dict(label_smoothing=.1, weight=np.float64)])
def test_cross_entropy_probabilities(shape, kw):
    q = R.rand(*shape); q /= q.sum(1 if len(shape) > 1 else 0, keepdims=True)
    compare(lambda x, q: L.cross_entropy(x, q, **_opts(kw, tensor)), lambda x, q: TF.cross_entropy(x, q, **_opts(kw, torch.tensor)), [rn(*shape), q])

def test_cross_entropy_fused_gradient_and_gradcheck():
    x, t = tensor(rn(4, 5), requires_grad=True), tensor([0, 2, 1, 4])
    L.cross_entropy(x, t).backward()
    p = np.exp(x.detach().numpy()); p /= p.sum(1, keepdims=True)
    np.testing.assert_allclose(x.grad.numpy(), (p - np.eye(5)[[0, 2, 1, 4]]) / 4, atol=1e-14)
    w = tensor(W5)
    for kw in [dict(weight=w, label_smoothing=.2, ignore_index=1), dict(reduction='none'), dict(reduction='sum', label_smoothing=.5)]:
        assert gradcheck(lambda x: L.cross_entropy(x, t, **kw), (x,))
    q = tensor(R.rand(4, 5), requires_grad=True)
    assert gradcheck(lambda x, q: L.cross_entropy(x, q, weight=w, label_smoothing=.1), (x, q))
    assert gradcheck(lambda x: L.nll_loss(x, t, weight=w), (x,))
    big = tensor([[1000., 0., -1000.]], requires_grad=True)
    assert np.isfinite(L.cross_entropy(big, tensor([2])).item())

@pytest.mark.parametrize('fn', [
    lambda F, t, x: F.cross_entropy(x, t([0, 1, 2, 10])), lambda F, t, x: F.cross_entropy(x, t([0, 1, 2])),
    lambda F, t, x: F.nll_loss(x, t([0, 1, 2, -5])), lambda F, t, x: F.cross_entropy(x, t(np.zeros((4, 4)))),
    lambda F, t, x: F.cross_entropy(x, t([0., 1, 2, 1])), lambda F, t, x: F.cross_entropy(x, t(np.zeros((4, 3), np.int64))),
    lambda F, t, x: F.cross_entropy(x, t([0, 1, 2, 1]), weight=t(np.ones(2))),
    lambda F, t, x: F.cross_entropy(x, t([0, 1, 2, 1]), label_smoothing=1.5),
    lambda F, t, x: F.cross_entropy(t(np.zeros((2, 3, 4))), t(np.zeros((2, 5), np.int64))),
    lambda F, t, x: F.cross_entropy(x, t([0, 1, 2, 1]), reduction='foo'),
    lambda F, t, x: F.binary_cross_entropy(x, t(np.zeros((4, 3)))),
    lambda F, t, x: F.binary_cross_entropy(x.sigmoid(), t(np.zeros(3))),
    lambda F, t, x: F.binary_cross_entropy_with_logits(x, t(np.zeros((4, 2)))),
    lambda F, t, x: F.mse_loss(x, t(np.zeros((5, 3)))),
])
def test_loss_errors(fn):
    x = rn(4, 3)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(Exception) as te: fn(TF, torch.tensor, torch.tensor(x))
        with pytest.raises(type(te.value)) as oe: fn(L, tensor, tensor(x))
    assert str(oe.value) == str(te.value)

# ---------------------------------------------------------------- regression / binary losses
PAIR = ['mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss', 'binary_cross_entropy_with_logits']

@pytest.mark.parametrize('name', PAIR)
@pytest.mark.parametrize('reduction', ['mean', 'sum', 'none'])
@pytest.mark.parametrize('dt', [np.float64, np.float32])
def test_pair_losses(name, reduction, dt):
    t = R.rand(4, 5).astype(dt) if 'logits' in name else rn(4, 5, dt=dt)
    compare(lambda a, b: getattr(L, name)(a, b, reduction=reduction), lambda a, b: getattr(TF, name)(a, b, reduction=reduction), [rn(4, 5, dt=dt) * 2, t])
    assert gradcheck(lambda a, b: getattr(L, name)(a, b, reduction=reduction), (tensor(rn(3, 4), requires_grad=True), tensor(R.rand(3, 4), requires_grad=True)))

def test_pair_loss_options():
    x, y = rn(4, 5) * 2, rn(4, 5)
    compare(lambda a, b: L.smooth_l1_loss(a, b, beta=.5), lambda a, b: TF.smooth_l1_loss(a, b, beta=.5), [x, y])
    compare(lambda a, b: L.huber_loss(a, b, delta=2.), lambda a, b: TF.huber_loss(a, b, delta=2.), [x, y])
    w45 = R.rand(4, 5)
    compare(lambda a, b: L.huber_loss(a, b, weight=tensor(w45)), lambda a, b: TF.huber_loss(a, b, weight=torch.tensor(w45)), [x, y], name='HuberLossBackward0')
    compare(lambda a, b: L.l1_loss(a, b, weight=tensor(w45)), lambda a, b: TF.l1_loss(a, b, weight=torch.tensor(w45)), [x, y], name='MeanBackward0')
    w45 = R.rand(4, 5)
    compare(lambda a, b: L.mse_loss(a, b, weight=tensor(w45)), lambda a, b: TF.mse_loss(a, b, weight=torch.tensor(w45)), [x, y], name='MseLossBackward0')
    compare(lambda a, b: L.l1_loss(a, b, reduction='sum', weight=tensor(w45)), lambda a, b: TF.l1_loss(a, b, reduction='sum', weight=torch.tensor(w45)), [x, y])
    pw, w = np.arange(1, 6.), R.rand(5)
    compare(lambda a, b: L.binary_cross_entropy_with_logits(a, b, tensor(w), pos_weight=tensor(pw)),
            lambda a, b: TF.binary_cross_entropy_with_logits(a, b, torch.tensor(w), pos_weight=torch.tensor(pw)), [x, R.rand(4, 5)])
    p = R.rand(4, 5) * .98 + .01
    compare(L.binary_cross_entropy, TF.binary_cross_entropy, [p, R.rand(4, 5)])
    compare(lambda a, b: L.binary_cross_entropy(a, b, tensor(w), reduction='none'), lambda a, b: TF.binary_cross_entropy(a, b, torch.tensor(w), reduction='none'), [p, R.rand(4, 5)])
    compare(L.binary_cross_entropy, TF.binary_cross_entropy, [np.array([0., 1., .5]), np.array([1., 0., .5])], tol=(1e-7, 1e-9))   # log clamped at -100

def test_mse_broadcast_warning():
    with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[4, 1\]\)\) that is different to the input size \(torch.Size\(\[4, 3\]\)\)"):
        compare(L.mse_loss, TF.mse_loss, [rn(4, 3), rn(4, 1)])

@pytest.mark.parametrize('reduction', ['batchmean', 'sum', 'none', 'mean'])
@pytest.mark.parametrize('log_target', [False, True])
def test_kl_div(reduction, log_target):
    p, t = R.rand(4, 5) * .98 + .01, R.rand(4, 5)
    t = np.log(t) if log_target else np.where(t > .3, t, 0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        compare(lambda a, b: L.kl_div(a, b, reduction=reduction, log_target=log_target),
                lambda a, b: TF.kl_div(a, b, reduction=reduction, log_target=log_target), [np.log(p), t],
                grad_of=[True, log_target])     # d/dt at t = 0 is log(0): PyTorch gives nan, we give 0

# ---------------------------------------------------------------- similarities
def test_similarities():
    x, y = rn(4, 5), rn(4, 5)
    compare(L.cosine_similarity, TF.cosine_similarity, [x, y], name='SumBackward1')
    compare(lambda a, b: L.cosine_similarity(a, b, 0), lambda a, b: TF.cosine_similarity(a, b, 0), [x, rn(4, 1)], name='SumBackward1')
    compare(L.normalize, TF.normalize, [x])
    compare(lambda a: L.normalize(a, 1, 0), lambda a: TF.normalize(a, 1, 0), [x])
    compare(L.pairwise_distance, TF.pairwise_distance, [x, y])
    compare(lambda a, b: L.pairwise_distance(a, b, 1, keepdim=True), lambda a, b: TF.pairwise_distance(a, b, 1, keepdim=True), [x, y])
    a, b = tensor(rn(3, 4), requires_grad=True), tensor(rn(3, 4), requires_grad=True)
    assert gradcheck(L.cosine_similarity, (a, b)) and gradcheck(L.normalize, (a,)) and gradcheck(lambda a, b: L.pairwise_distance(a, b, 3), (a, b))


# ---------------------------------------------------------------- F.unfold / F.fold (im2col / col2im) and nn.Unfold / nn.Fold
UNFOLD_CASES = [((2, 3, 5, 5), dict(kernel_size=2)), ((2, 3, 6, 7), dict(kernel_size=(2, 3), dilation=2, padding=1, stride=2)),
                ((3, 4, 4), dict(kernel_size=3, padding=1)), ((1, 2, 8, 8), dict(kernel_size=4, stride=4)),
                ((2, 1, 5, 6), dict(kernel_size=(1, 2), stride=(2, 1), padding=(0, 1)))]


@pytest.mark.parametrize("shape,kw", UNFOLD_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unfold_fold_match_torch(shape, kw, dtype):
    import tinygrad_edu as T, tinygrad_edu.nn.functional as GF
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    tx, gx = torch.tensor(x, requires_grad=True), T.tensor(x, requires_grad=True)
    ty, gy = torch.nn.functional.unfold(tx, **kw), GF.unfold(gx, **kw)
    assert tuple(gy.shape) == tuple(ty.shape) and str(gy.dtype) == str(ty.dtype)
    np.testing.assert_allclose(gy.detach().numpy(), ty.detach().numpy(), rtol=0, atol=0)
    up = np.random.default_rng(1).standard_normal(ty.shape).astype(dtype)
    ty.backward(torch.tensor(up)); gy.backward(T.tensor(up))
    np.testing.assert_allclose(gx.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-6)
    assert gy.grad_fn.name() == ty.grad_fn.name() == 'Im2ColBackward0'
    # fold: the adjoint, back to the image size
    cols = np.random.default_rng(2).standard_normal(ty.shape).astype(dtype)
    tc, gc = torch.tensor(cols, requires_grad=True), T.tensor(cols, requires_grad=True)
    tf, gf = torch.nn.functional.fold(tc, shape[-2:], **kw), GF.fold(gc, shape[-2:], **kw)
    assert tuple(gf.shape) == tuple(tf.shape) and gf.grad_fn.name() == tf.grad_fn.name()
    np.testing.assert_allclose(gf.detach().numpy(), tf.detach().numpy(), rtol=1e-6, atol=1e-6)
    up = np.random.default_rng(3).standard_normal(tf.shape).astype(dtype)
    tf.backward(torch.tensor(up)); gf.backward(T.tensor(up))
    np.testing.assert_allclose(gc.grad.numpy(), tc.grad.numpy(), rtol=0, atol=0)


def test_unfold_fold_modules_and_errors():
    import tinygrad_edu as T, tinygrad_edu.nn as tnn, tinygrad_edu.nn.functional as GF
    for args, kw in [((2,), {}), (((2, 3),), dict(dilation=2, padding=1, stride=2))]:
        assert repr(tnn.Unfold(*args, **kw)) == repr(torch.nn.Unfold(*args, **kw))
        assert repr(tnn.Fold((4, 4), *args, **kw)) == repr(torch.nn.Fold((4, 4), *args, **kw))
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 5)).astype(np.float32)
    np.testing.assert_array_equal(tnn.Unfold(2)(T.tensor(x)).numpy(), torch.nn.Unfold(2)(torch.tensor(x)).numpy())
    bad = [(lambda F, t: F.unfold(t.randn(2, 3), 2), IndexError, 'expected to be in range of [-2, 1], but got 2'),
           (lambda F, t: F.unfold(t.randn(1, 2, 3, 4, 5), 2), RuntimeError, 'Expected 3D or 4D (batch mode) tensor'),
           (lambda F, t: F.unfold(t.randn(2, 3, 5, 5), 6), RuntimeError, 'must be at least one'),
           (lambda F, t: F.unfold(t.randn(2, 3, 5, 5), 2, stride=0), RuntimeError, 'stride should be greater than zero'),
           (lambda F, t: F.fold(t.randn(2, 7, 9), (4, 4), 2), RuntimeError, 'divisible by the product of kernel_size'),
           (lambda F, t: F.fold(t.randn(2, 8, 10), (4, 4), 2), RuntimeError, 'calculated number of sliding blocks 3 * 3 = 9'),
           (lambda F, t: F.fold(t.randn(2, 2, 8, 9), (4, 4), 2), RuntimeError, 'Expected 2D or 3D'),
           (lambda F, t: F.unfold(t.ones(1, 1, 4, 4, dtype=t.int32), 2), NotImplementedError, "not implemented for 'Int'")]
    for fn, exc, msg in bad:
        with pytest.raises(exc) as theirs: fn(torch.nn.functional, torch)
        with pytest.raises(exc, match=re.escape(msg)): fn(GF, T)
        assert msg in str(theirs.value)
    assert GF.fold(T.randn(8, 9), (4, 4), 2).shape == (2, 4, 4)
