"Movement and indexing ops (notebooks 04b_movement, 04c_indexing, 04d_rearrange) against PyTorch: values, gradients, grad_fn names, views, errors."
import types, warnings
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import tinygrad_edu.movement as M
import tinygrad_edu.indexing as I
import tinygrad_edu.rearrange as Rr
from tinygrad_edu.tensor import Tensor, tensor
from tinygrad_edu import autograd as A

ours = types.SimpleNamespace(**{k: getattr(mod, k) for mod in (M, Rr, I) for k in mod.__all__},
                             tensor=tensor, float32=M._T.float32, float64=M._T.float64, int64=M._T.int64)
theirs = types.SimpleNamespace(**{k: getattr(torch, k) for k in dir(torch) if not k.startswith('_')},
                               pad=F.pad, one_hot=F.one_hot)

def _np(t): return t.detach().numpy() if isinstance(t, torch.Tensor) else t.detach().numpy()
def _outs(o):
    if hasattr(o, 'values') and hasattr(o, 'indices') and not isinstance(o, (torch.Tensor, Tensor)): return (o.values,)
    return tuple(o) if isinstance(o, (tuple, list)) else (o,)
def _name(t): return None if t.grad_fn is None else type(t.grad_fn).__name__

def compare(fn, *arrays, dtype=np.float64, grad=True, names=True, rtol=None):
    "Run `fn(lib, *inputs)` in torch and here; compare outputs, grad_fn names and input gradients."
    rtol = rtol or (1e-5 if dtype == np.float32 else 1e-10)
    rng = np.random.default_rng(0)
    def inputs(lib_tensor, lib):
        res = []
        for a in arrays:
            a = np.asarray(a)
            if a.dtype.kind == 'f': a = a.astype(dtype)
            t = lib_tensor(a.copy()) if lib is torch else tensor(a.copy())
            if grad and a.dtype.kind == 'f': t.requires_grad_(True)
            res.append(t)
        return res
    tx, ox = inputs(torch.from_numpy, torch), inputs(None, None)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        to, oo = _outs(fn(theirs, *tx)), _outs(fn(ours, *ox))
    assert len(to) == len(oo)
    for a, b in zip(to, oo):
        assert tuple(a.shape) == tuple(b.shape), (a.shape, b.shape)
        assert str(a.dtype) == str(b.dtype), (a.dtype, b.dtype)
        np.testing.assert_allclose(_np(b), _np(a), rtol=rtol, atol=rtol)
        if names: assert _name(b) == _name(a), (_name(b), _name(a))
    if not grad: return
    diff = [i for i, a in enumerate(to) if a.requires_grad]
    if not diff: return
    gs = [rng.standard_normal(tuple(to[i].shape)).astype(to[i].detach().numpy().dtype) for i in diff]
    torch.autograd.backward([to[i] for i in diff], [torch.from_numpy(g) for g in gs])
    for i, g in zip(diff, gs): A.backward(oo[i], tensor(g), retain_graph=True)   # (one root at a time: see report on the core engine)
    for a, b in zip(tx, ox):
        if a.requires_grad:
            assert (a.grad is None) == (b.grad is None)
            if a.grad is not None: np.testing.assert_allclose(_np(b.grad), a.grad.numpy(), rtol=rtol, atol=rtol)

R = np.random.default_rng(1)
def rn(*s): return R.standard_normal(s)
X3, X2, X1 = rn(2, 3, 4), rn(3, 4), rn(5)

VIEWS = {
    'view': (lambda L, x: x.view(6, 4), X3), 'view-1': (lambda L, x: x.view(-1, 3), X3), 'view0d': (lambda L, x: x.view(1, 1), np.array(2.)),
    'reshape_copy': (lambda L, x: x.transpose(0, 1).reshape(-1), X3), 'reshape': (lambda L, x: L.reshape(x, (4, 6)), X3),
    'flatten': (lambda L, x: x.flatten(), X3), 'flatten1': (lambda L, x: L.flatten(x, 1), X3), 'flatten01': (lambda L, x: x.flatten(0, -2), X3),
    'flatten0d': (lambda L, x: x.flatten(), np.array(3.)), 'flatten_same': (lambda L, x: x.select(0, 1).flatten(), X3),
    'unflatten': (lambda L, x: x.unflatten(2, (2, 2)), X3), 'permute': (lambda L, x: x.permute(2, 0, 1), X3),
    'permute_neg': (lambda L, x: L.permute(x, (-1, 0, 1)), X3), 'transpose': (lambda L, x: x.transpose(0, -1), X3),
    't': (lambda L, x: x.t(), X2), 't1d': (lambda L, x: x.t(), X1), 'T': (lambda L, x: x.T, X2), 'mT': (lambda L, x: x.mT, X3),
    'expand': (lambda L, x: x[:, :1].expand(2, 3, 5), X2), 'expand-1': (lambda L, x: x.expand(3, -1, -1), X2),
    'expand_as': (lambda L, x: x.expand_as(L.tensor(np.ones((2, 3, 4)))), X2),
    'squeeze': (lambda L, x: x.squeeze(), rn(1, 3, 1, 2)), 'squeeze0': (lambda L, x: x.squeeze(0), rn(1, 3, 1, 2)),
    'squeeze-2': (lambda L, x: L.squeeze(x, -2), rn(1, 3, 1, 2)), 'squeeze_t': (lambda L, x: x.squeeze((0, 2)), rn(1, 3, 1, 2)),
    'squeeze_noop': (lambda L, x: x.squeeze(1), rn(1, 3, 1, 2)), 'unsqueeze': (lambda L, x: x.unsqueeze(-1), X3),
    'unsqueeze0d': (lambda L, x: L.unsqueeze(x, 0), np.array(1.5)), 'narrow': (lambda L, x: x.narrow(1, 1, 2), X3),
    'narrow_neg': (lambda L, x: L.narrow(x, -1, 0, 1), X3), 'select': (lambda L, x: x.select(1, -1), X3), 'select1d': (lambda L, x: x.select(0, 2), X1),
    'split': (lambda L, x: x.split(2, 1), rn(2, 5, 3)), 'split_sizes': (lambda L, x: L.split(x, [1, 4], 1), rn(2, 5, 3)),
    'chunk': (lambda L, x: x.chunk(3, 1), rn(2, 6, 3)), 'chunk_neg': (lambda L, x: L.chunk(x, 2, -1), X3),
    'unbind': (lambda L, x: x.unbind(1), X3), 'unbind1d': (lambda L, x: L.unbind(x), X1), 'movedim': (lambda L, x: x.movedim(0, -1), X3),
    'moveaxis2': (lambda L, x: L.moveaxis(x, (0, 1), (2, 0)), X3), 'contiguous': (lambda L, x: x.transpose(0, 1).contiguous(), X3),
    'clone': (lambda L, x: x.clone(), X3), 'to32': (lambda L, x: x.to(L.float32), X3), 'float': (lambda L, x: x.float(), X2),
    'swapaxes': (lambda L, x: x.swapaxes(0, 1), X2), 'view_as': (lambda L, x: x.view_as(L.tensor(np.ones((4, 3)))), X2),
    'ravel': (lambda L, x: x.ravel(), X2), 'empty_view': (lambda L, x: x.view(-1, 3), np.zeros((0, 3))),
    'empty_narrow': (lambda L, x: x.narrow(1, 1, 0), X3),
    'reshape0d': (lambda L, x: x.reshape(()), np.array([2.])), 'expand0d': (lambda L, x: x.expand(3, 2), np.array(2.)),
    'squeeze0d': (lambda L, x: x.squeeze(), np.array(2.)), 'permute0d': (lambda L, x: x.permute(()), np.array(2.)),
    'split_empty': (lambda L, x: x.split(2, 0), np.zeros((0, 3))), 'unbind_neg': (lambda L, x: x.unbind(-1), X3),
}
INDEX = {
    'int': (lambda L, x: x[0], X3), 'neg_slice': (lambda L, x: x[-1, 1:], X3), 'step': (lambda L, x: x[:, ::2], X3),
    'none_ell': (lambda L, x: x[None, ..., 1], X3), 'ell': (lambda L, x: x[...], X3), 'mix': (lambda L, x: x[1:, None, :, -2], X3),
    'full': (lambda L, x: x[:], X3), 'list': (lambda L, x: x[[0, 1, 1]], X3), 'list_dim1': (lambda L, x: x[:, [2, 0, 2]], X3),
    'two_lists': (lambda L, x: x[[0, 1], :, [1, 3]], X3), 'int_and_list': (lambda L, x: x[0, :, [1, 2]], X3),
    'tensor2d': (lambda L, x: x[L.tensor(np.array([[0, 2], [2, 2]]))], X2), 'int_tensor0d': (lambda L, x: x[L.tensor(np.array(1))], X2),
    'mask_full': (lambda L, x: x[L.tensor(X2 > 0)], X2), 'mask_rows': (lambda L, x: x[L.tensor(np.array([True, False, True]))], X3[0].copy()),
    'mask_lead': (lambda L, x: x[L.tensor(np.array([[True, False, True], [False, True, True]]))], X3),
    'adv_after_none': (lambda L, x: x[None, [0, 1]], X3), 'ell_list': (lambda L, x: x[..., [1, 1]], X3), 'empty_list': (lambda L, x: x[[]], X2),
    'neg_tensor_idx': (lambda L, x: x[L.tensor(np.array([-1, 0]))], X2),
    'none0d': (lambda L, x: x[None], np.array(2.)), 'empty_tuple0d': (lambda L, x: x[()], np.array(2.)), 'ell0d': (lambda L, x: x[...], np.array(2.)),
    'mask_empty': (lambda L, x: x[L.tensor(np.zeros((3, 4), bool))], X2), 'slice_empty': (lambda L, x: x[2:1], X2),
    'slice_big': (lambda L, x: x[-10:10], X2), 'mask0d_list': (lambda L, x: x[[True, False, True]], X2),
}
def _ix(L, a): return L.tensor(np.array(a))
OPS = {
    'gather': (lambda L, x: L.gather(x, 1, _ix(L, [[0, 0, 3], [1, 2, 1], [3, 3, 3]])), X2),
    'gather_small': (lambda L, x: x.gather(0, _ix(L, [[2, 0]])), X2), 'gather_neg_dim': (lambda L, x: x.gather(-1, _ix(L, [[[1], [0], [3]]] * 2)), X3),
    'scatter_src': (lambda L, x, s: x.scatter(1, _ix(L, [[0, 3], [2, 1], [1, 1]]), s), X2, rn(3, 2)),
    'scatter_src_big': (lambda L, x, s: L.scatter(x, 0, _ix(L, [[0, 1, 2, 0]]), s), X2, rn(1, 4)),   # (torch's backward fails when src is larger than index)
    'scatter_value': (lambda L, x: x.scatter(1, _ix(L, [[0], [2], [1]]), 2.5), X2),
    'scatter_add': (lambda L, x, s: L.scatter_add(x, 1, _ix(L, [[0, 0], [2, 2], [1, 3]]), s), X2, rn(3, 2)),
    'index_select': (lambda L, x: x.index_select(1, _ix(L, [0, 2, 2])), X2), 'index_select0': (lambda L, x: L.index_select(x, 0, _ix(L, [1])), X3),
    'take': (lambda L, x: x.take(_ix(L, [[0, 11], [11, 5]])), X2), 'masked_select': (lambda L, x: L.masked_select(x, L.tensor(X2 > 0)), X2),
    'masked_select_bc': (lambda L, x: x.masked_select(L.tensor(np.array([True, False, True, True]))), X2),
    'masked_select_bc_x': (lambda L, x: x.masked_select(L.tensor(X2 > 0)), X1[:4].copy()),
    'masked_fill': (lambda L, x: x.masked_fill(L.tensor(X2 > 0), -1.), X2),
    'masked_fill_t': (lambda L, x, v: x.masked_fill(L.tensor(np.array([True, False, True, False])), v), X2, np.array(3.)),
    'where': (lambda L, x, y: L.where(L.tensor(X2 > 0), x, y), X2, rn(3, 1)), 'where_scalar': (lambda L, x: L.where(L.tensor(X2 > 0), x, 0.), X2),
    'where_scalar_first': (lambda L, x: L.where(L.tensor(X2 > 0), 1., x), X2), 'where_method': (lambda L, x, y: x.where(L.tensor(X1 > 0), y), X1, X1[::-1].copy()),
    'cat': (lambda L, x, y: L.cat([x, y], 1), rn(2, 2), rn(2, 3)), 'cat0': (lambda L, x, y: L.cat((x, y, x)), rn(2, 2), rn(1, 2)),
    'cat_neg': (lambda L, x, y: L.cat([x, y], -1), X3, rn(2, 3, 1)), 'cat_empty': (lambda L, x, y: L.cat([x, y]), rn(2, 2), np.zeros((0,))),
    'cat_empty2': (lambda L, x, y: L.cat([x, y]), rn(2, 2), np.zeros((0, 2))),
    'stack': (lambda L, x, y: L.stack([x, y]), X2, X2 + 1), 'stack_neg': (lambda L, x, y: L.stack([x, y], -1), X2, X2 + 1),
    'hstack': (lambda L, x, y: L.hstack([x, y]), X2, rn(3, 2)), 'vstack': (lambda L, x, y: L.vstack([x, y]), X1, X1 + 2),
    'flip': (lambda L, x: x.flip(0), X3), 'flip2': (lambda L, x: L.flip(x, (0, -1)), X3), 'fliplr': (lambda L, x: x.fliplr(), X2),
    'roll': (lambda L, x: x.roll(1, 0), X3), 'roll2': (lambda L, x: L.roll(x, (1, -2), (0, 2)), X3), 'roll_flat': (lambda L, x: x.roll(5), X3),
    'repeat': (lambda L, x: x.repeat(2, 1, 3), X2), 'repeat_same': (lambda L, x: x.repeat(1, 2), X2), 'tile': (lambda L, x: x.tile(2), X2),
    'tile3': (lambda L, x: L.tile(x, (2, 1, 1)), X2), 'tril': (lambda L, x: x.tril(), X2), 'triu1': (lambda L, x: L.triu(x, 1), X3),
    'tril_neg': (lambda L, x: x.tril(-1), X3), 'diag2d': (lambda L, x: x.diag(), X2), 'diag2d_off': (lambda L, x: L.diag(x, -1), X2),
    'diag1d': (lambda L, x: x.diag(), X1), 'diag1d_off': (lambda L, x: L.diag(x, 2), X1), 'diagonal': (lambda L, x: x.diagonal(), X2),
    'diagonal_off': (lambda L, x: L.diagonal(x, 1, 0, 2), X3), 'diagonal_neg': (lambda L, x: x.diagonal(-1, -1, -2), X3),
    'pad_c': (lambda L, x: L.pad(x, (1, 2)), X3), 'pad_c2': (lambda L, x: L.pad(x, (1, 0, 2, 1), value=3.), X3),
    'pad_crop': (lambda L, x: L.pad(x, (-1, 2)), X3), 'pad_reflect1': (lambda L, x: L.pad(x, (2, 3), mode='reflect'), X3),
    'pad_reflect2': (lambda L, x: L.pad(x[None], (1, 2, 2, 1), mode='reflect'), X3), 'pad_rep1': (lambda L, x: L.pad(x, (1, 3), mode='replicate'), X3),
    'pad_rep2': (lambda L, x: L.pad(x[None], (1, 1, 1, 1), mode='replicate'), X3), 'pad_circ': (lambda L, x: L.pad(x, (1, 2), mode='circular'), X3),
    'sort': (lambda L, x: L.sort(x), X3), 'sort_desc': (lambda L, x: x.sort(0, descending=True), X3), 'topk': (lambda L, x: x.topk(2), X3),
    'topk_small': (lambda L, x: L.topk(x, 2, dim=1, largest=False), X3), 'sort_idx': (lambda L, x: x.sort(1).indices, X3),
    'argsort': (lambda L, x: x.argsort(-1, descending=True), X3),
    'index_add': (lambda L, x, s: x.index_add(1, _ix(L, [0, 2, 2]), s), X2, rn(3, 3)),
    'index_copy': (lambda L, x, s: x.index_copy(0, _ix(L, [2, 0]), s), X2, rn(2, 4)),
    'index_fill': (lambda L, x: x.index_fill(1, _ix(L, [1, 3]), -2.), X2),
}

@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('name', list(VIEWS) + list(INDEX) + list(OPS))
def test_values_grads_names(name, dtype):
    fn, *arrays = {**VIEWS, **INDEX, **OPS}[name]
    compare(fn, *arrays, dtype=dtype)

def test_one_hot():
    for args in [([1, 3],), ([0, 2, 2], 5), ([[1], [0]], 3)]:
        a = F.one_hot(torch.tensor(args[0]), *args[1:])
        b = ours.one_hot(tensor(args[0]), *args[1:])
        assert b.dtype is ours.int64 and b.tolist() == a.tolist()

# ---- views share memory ----------------------------------------------------------------------
@pytest.mark.parametrize('name', ['view', 'flatten', 'permute', 'transpose', 'T', 'expand', 'squeeze', 'unsqueeze', 'narrow', 'select',
                                  'split', 'unbind', 'int', 'neg_slice', 'step', 'none_ell', 'ell', 'mix', 'diagonal'])
def test_views_share_memory(name):
    fn, a = {**VIEWS, **INDEX, **OPS}[name]
    x = tensor(np.array(a, dtype=np.float64))
    v = _outs(fn(ours, x))[0]
    assert v._base is x
    before = x._version
    if name != 'expand':                        # writes through the view reach the base
        v[...] = 7.
        assert (x.numpy() == 7.).sum() == v.numel()
        assert x._version == v._version == before + 1
    x.zero_()                                   # and writes to the base are seen by the view
    assert (v.numpy() == 0).all() and v._version == x._version

def test_seed_000_views():
    x = tensor(np.arange(15.)).view(3, 5)        # seed 000 §1.2: view shares memory, clone does not
    y, z = x.view(15), x.view(-1, 5)
    y.add_(1)
    assert z.shape == (3, 5) and x[0, 0].item() == 1. and z[2, 4].item() == 15.
    cp = x.clone().view(15); cp[0] = -1.
    assert x[0, 0].item() == 1. and cp._base is not None and cp._base is not x
    y = x[0, :]; y += 1                          # §1.2.2: indexing results share memory
    assert x[0].tolist() == [2., 3., 4., 5., 6.]

def test_write_into_expanded_view_raises_like_torch():
    for lib in (theirs, ours):
        e = lib.tensor(np.zeros((3, 1))).expand(3, 4)
        with pytest.raises(RuntimeError, match='more than one element of the written-to tensor'): e[0] = 1.
        with pytest.raises(RuntimeError, match='more than one element of the written-to tensor'): e.copy_(lib.tensor(np.ones(4)))

# ---- in-place ops through autograd -----------------------------------------------------------
def _grads(code, x0, **extra):
    "Run `code` in torch and here with `x` (float64 leaf requiring grad); return both x.grad and the names of `a.grad_fn`."
    res = []
    for lib, mk in ((theirs, lambda v: torch.tensor(v, requires_grad=True)), (ours, lambda v: tensor(v).requires_grad_())):
        env = dict(L=lib, np=np, X34=X34, x=mk(x0), **{k: mk(v) for k, v in extra.items()})
        exec(code, env)
        a = env['a']
        g = np.linspace(-1, 1, a.numel()).reshape(tuple(a.shape))
        a.backward(torch.tensor(g) if lib is theirs else tensor(g))
        grads = {k: _np(env[k].grad) for k in ['x', *extra] if env[k].grad is not None}
        res.append((grads, _name(a), [None if f is None else type(f).__name__ for f, _ in a.grad_fn.next_functions]))
    (tg, tn, tnext), (og, on, onext) = res
    assert on == tn, (on, tn)
    assert set(og) == set(tg)
    for k in tg: np.testing.assert_allclose(og[k], tg[k], rtol=1e-12)
    return onext, tnext

X34 = np.arange(12.).reshape(3, 4) / 7
@pytest.mark.parametrize('code', [
    "a = x.clone(); a[0] = 0.", "a = x.clone(); a[:, 1] = 5.", "a = x.clone(); a[1:][0, 2] = -1.", "a = x.clone(); a[0] = L.tensor(np.ones(4))",
    "a = x.clone(); a[[0, 2]] = 0.", "a = x.clone(); a[L.tensor(X34 > .5)] = 0.", "a = x.clone(); a.copy_(L.tensor(np.ones(4)))",
    "a = x.clone(); a[0].copy_(L.tensor(np.ones(4)))", "a = x.clone(); a.masked_fill_(L.tensor(X34 > .5), 0.)",
    "a = x.clone(); a.scatter_(1, L.tensor(np.array([[0], [1], [2]])), 0.)", "a = x.clone(); a.fill_(1.)", "a = x.clone(); a.zero_()",
    "a = x.clone(); a[1].zero_()", "a = x.clone(); a.index_fill_(1, L.tensor(np.array([0])), 1.)", "a = x.clone(); a.t()[1].fill_(2.)",
    "a = x.clone(); a[:, 1] = a[:, 1].flip(0)", "a = x.clone(); b = a[1]; b[2:] = 3.; a = a.view(12)",
    "a = x.clone(); a.index_put_((L.tensor(np.array([0, 0, 2])),), L.tensor(np.ones(4)), accumulate=True)",
    "a = x.clone(); a[..., [1, 1]] = 0.", "a = x.clone(); a[1, [0, 3]] = -1.", "a = x.clone(); a.diagonal().zero_()",
])
def test_inplace_through_autograd(code):
    _grads(code, X34)

@pytest.mark.parametrize('code', ["a = x.clone(); a[0] = w[:4]", "a = x.clone(); a[:, 1:3] = w[:2]", "a = x.clone(); a[[2, 0]] = w[:4]",
                                  "a = x.clone(); a.copy_(w[:4])", "a = x.clone(); a[1].copy_(w[3])", "a = x.clone(); a.index_copy_(0, L.tensor(np.array([1])), w[None, :4])",
                                  "a = x.clone(); a.index_add_(1, L.tensor(np.array([0, 0])), w[:3, None].expand(3, 2))",
                                  "a = x.clone(); a.masked_fill_(L.tensor(X34 > .5), w[0])"])
def test_inplace_value_gets_grad(code):
    _grads(code, X34, w=np.linspace(1, 2, 5) if 'w[3]' not in code else np.linspace(1, 2, 16).reshape(4, 4))

def test_write_into_buffer_makes_it_part_of_the_graph():
    for lib, mk in ((theirs, lambda v: torch.tensor(v, requires_grad=True)), (ours, lambda v: tensor(v).requires_grad_())):
        w = mk(np.array([1., 2., 3., 4.]))
        buf = lib.tensor(np.zeros((3, 4))); buf[1] = w
        assert _name(buf) == 'CopySlices' and buf.requires_grad
        buf.backward(lib.tensor(np.arange(12.).reshape(3, 4)))
        assert w.grad.tolist() == [4., 5., 6., 7.]

def test_copyslices_graph_matches_torch():
    onext, tnext = _grads("a = x.clone(); a[0] = 0.", X34)
    assert onext == tnext == ['CloneBackward0', None]

def test_leaf_inplace_errors():
    for code in ["x[0] = 0.", "x[0].zero_()", "x.masked_fill_(L.tensor(np.ones((3, 4), bool)), 0.)"]:
        errs = []
        for lib, x in ((theirs, torch.tensor(X34, requires_grad=True)), (ours, tensor(X34).requires_grad_())):
            with pytest.raises(RuntimeError) as e: exec(code, dict(L=lib, x=x, np=np))
            errs.append(str(e.value))
        assert errs[1] == errs[0]
    x = tensor(X34).requires_grad_()
    with A.no_grad(): x[0] = 0.                  # fine when not recording
    assert x[0].tolist() == [0.] * 4

need_arith = pytest.mark.skipif(not (hasattr(Tensor, '__mul__') and hasattr(Tensor, 'sum') and hasattr(Tensor, '__add__')),
                                reason="needs the differentiable elementwise ops and sum (other notebooks)")
@need_arith
@pytest.mark.parametrize('code', ["a = x * 2; a[0] = 0; a = a.sum()", "y = x.clone(); y[:, 1] += 3; a = (y * y).sum()",
                                  "y = x * 1; y[y > .5] = 0; a = (y * x).sum()"])
def test_inplace_with_arithmetic(code):
    _grads(code, X34)

# ---- errors ----------------------------------------------------------------------------------
ERRS = [
    "L.tensor(np.ones(3))[5]", "L.tensor(np.ones(3))[-4]", "L.tensor(np.ones((3, 4)))[0, 7]", "L.tensor(np.ones(3))[L.tensor(np.array([5]))]",
    "L.tensor(np.ones(3))[[5]]", "L.tensor(np.ones((2, 3)))[0, 0, 0]", "L.tensor(np.ones(3))[L.tensor(np.array([True, False]))]",
    "L.tensor(np.ones(3))[L.tensor(np.array([0.]))]", "L.tensor(np.ones(3))[::-1]",
    "L.cat([L.tensor(np.ones((2, 2))), L.tensor(np.ones((3, 3)))], 1)", "L.cat([L.tensor(np.ones((2, 2))), L.tensor(np.ones((2, 3)))])",
    "L.cat([L.tensor(np.ones((2, 2))), L.tensor(np.ones(2))])", "L.cat([])", "L.stack([L.tensor(np.ones(2)), L.tensor(np.ones(3))])", "L.stack([])",
    "L.gather(L.tensor(np.ones((2, 3))), 1, L.tensor(np.array([[0, 1, 2, 3]])))", "L.gather(L.tensor(np.ones((2, 3))), 1, L.tensor(np.array([0, 1])))",
    "L.gather(L.tensor(np.ones((2, 3))), 1, L.tensor(np.array([[0.]])))", "L.gather(L.tensor(np.ones((2, 3))), 1, L.tensor(np.array([[0], [0], [0]])))",
    "L.tensor(np.ones((2, 3))).view(4)", "L.tensor(np.ones((2, 3))).t().view(6)", "L.tensor(np.ones((2, 3))).view(-1, -1)",
    "L.tensor(np.ones((2, 3))).scatter(1, L.tensor(np.array([[5]])), 1.)", "L.tensor(np.ones((2, 3))).masked_select(L.tensor(np.ones((2, 3))))",
    "L.tensor(np.ones((2, 3))).masked_fill(L.tensor(np.ones((2, 3)) > 0), L.tensor(np.ones(2)))",
    "L.tensor(np.ones((2, 3))).masked_fill(L.tensor(np.ones((2, 3))), 1.)",
    "L.where(L.tensor(np.ones(2) > 0), L.tensor(np.ones(2)), L.tensor(np.ones(3)))", "L.tensor(np.ones((2, 3))).index_select(1, L.tensor(np.array([3])))",
    "L.tensor(np.ones((2, 3))).take(L.tensor(np.array([6])))", "L.tensor(np.ones((2, 3))).repeat(2)", "L.tensor(np.ones(3)).tril()",
    "L.pad(L.tensor(np.ones((1, 2, 3))), (3, 3), mode='reflect')", "L.tensor(np.ones((2, 3))).index_select(1, L.tensor(np.array([[0]])))",
    "L.tensor(np.ones((2, 3))).squeeze(2)", "L.tensor(np.ones((2, 3))).unsqueeze(3)", "L.tensor(np.ones((2, 3))).expand(3, 3)",
    "L.one_hot(L.tensor(np.array([1, 3])), 2)", "L.one_hot(L.tensor(np.array([-1])))", "L.one_hot(L.tensor(np.array([1., 3])))",
    "L.tensor(np.ones((2, 3))).flip(2)", "L.tensor(np.ones((2, 3))).roll(1, 5)", "L.tensor(np.ones((2, 3))).topk(4)",
    "L.tensor(np.ones((2, 3))).narrow(1, 2, 2)", "L.tensor(np.ones((2, 3))).chunk(0)", "L.tensor(np.ones((2, 3))).permute(0, 0)",
    "L.tensor(np.ones((2, 3))).permute(0)", "L.tensor(np.ones((2, 3))).flatten(1, 0)", "L.tensor(np.ones((2, 3))).select(0, 2)",
    "L.tensor(np.ones((2, 3))).scatter(1, L.tensor(np.array([[0]])), L.tensor(np.ones((2, 3), np.float32)))",
    "L.tensor(np.ones((2, 3))).split([1, 1], 1)", "L.tensor(np.ones((2, 3, 4))).t()", "L.tensor(np.ones((2, 3))).diagonal(0, 1, 1)",
    "L.tensor(np.ones(3)).copy_(L.tensor(np.ones(2)))",
]
@pytest.mark.parametrize('code', ERRS)
def test_errors_match_torch(code):
    caught = []
    for lib in (theirs, ours):
        with pytest.raises(Exception) as e: eval(code, dict(L=lib, np=np))
        caught.append(e)
    t, o = caught
    assert o.type is t.type or issubclass(o.type, t.type), (o.type, t.type, str(o.value))
    assert str(o.value) == str(t.value), (str(o.value), str(t.value))

# ---- gradcheck (float64 finite differences), one per family --------------------------------
@pytest.mark.parametrize('fn,shapes', [
    (lambda x: x.view(3, 4).t().reshape(-1, 2).unsqueeze(0).squeeze(), [(2, 6)]),
    (lambda x: x.permute(1, 0, 2).expand(2, 3, 2, 2).narrow(0, 1, 1), [(2, 1, 2)]),
    (lambda x: ours.cat(x.split(2, 1)[::-1], 1) , [(2, 5)]),
    (lambda x, y: ours.stack(list(x.unbind(1)) + [y], 0), [(2, 3), (2,)]),
    (lambda x: x[0, ::2, [1, 1, 0]], [(2, 4, 2)]),
    (lambda x: x[ours.tensor(np.array([[True, False], [True, True]]))], [(2, 2, 3)]),
    (lambda x, s: x.scatter(1, ours.tensor(np.array([[1], [0]])), s).gather(1, ours.tensor(np.array([[1, 1], [0, 2]]))), [(2, 3), (2, 1)]),
    (lambda x: ours.pad(x, (2, 1), mode='reflect').roll(1, -1).flip(0).repeat(1, 2), [(2, 3)]),
    (lambda x: x.tril(1).diagonal(1) , [(3, 4)]),
    (lambda x: x.sort(0).values.topk(1, 1).values, [(3, 3)]),
    (lambda x, y: ours.where(ours.tensor(np.array([True, False, True])), x, y).masked_fill(ours.tensor(np.array([False, True, False])), 0.), [(2, 3), (3,)]),
    (lambda x: x.double().clone().contiguous().to(ours.float64), [(3,)]),
])
def test_gradcheck(fn, shapes):
    rng = np.random.default_rng(2)
    inputs = [tensor(rng.standard_normal(s)).requires_grad_() for s in shapes]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        assert A.gradcheck(fn, tuple(inputs))

def test_double_backward_through_views():
    x = tensor(np.array([1., 2., 3.])).requires_grad_()
    y = x[[0, 2, 2]].view(3, 1).expand(3, 2)
    g, = A.grad(y, x, tensor(np.ones((3, 2))).requires_grad_(), create_graph=True)
    assert g.tolist() == [2., 0., 4.] and g.requires_grad

def test_saved_mask_modified_in_place_raises_like_torch():
    for lib, mk in ((theirs, lambda v: torch.tensor(v, requires_grad=True)), (ours, lambda v: tensor(v).requires_grad_())):
        x, c = mk(np.ones(3)), lib.tensor(np.array([True, False, True]))
        y = lib.where(c, x, 0.); c[0] = False
        with pytest.raises(RuntimeError, match='modified by an inplace operation'): y.backward(lib.tensor(np.ones(3)))

def test_index_tensor_changed_after_indexing_keeps_gradient_right():
    x = tensor(np.arange(4.)).requires_grad_()
    i = tensor(np.array([0, 0, 3]))
    y = x[i]; i[0] = 1                           # PyTorch would raise; we saved a copy of the indices
    y.backward(tensor(np.ones(3)))
    assert x.grad.tolist() == [2., 0., 0., 1.]
