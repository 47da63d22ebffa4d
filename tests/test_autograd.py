"""The autograd engine of notebook 03 against PyTorch, using custom Functions (so it does not depend on the ops)."""
import numpy as np
import pytest
import torch
import tinygrad_edu as tg
from tinygrad_edu.autograd import Function, grad, gradcheck, GradcheckError, no_grad, enable_grad, set_grad_enabled, Variable

def make_fns(F, W, arr, wrap):
    "The same two Functions (Square, Scale-by-tensor) written for torch and for tinygrad_edu."
    class Square(F):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return wrap(arr(x) ** 2)
        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return wrap(2 * arr(x) * arr(g))
    class Mul(F):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return wrap(arr(a) * arr(b))
        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return (wrap(arr(g) * arr(b)) if ctx.needs_input_grad[0] else None,
                    wrap(arr(g) * arr(a)) if ctx.needs_input_grad[1] else None)
    return Square, Mul

TS, TM = make_fns(torch.autograd.Function, None, lambda t: t.detach().numpy(), lambda a: torch.from_numpy(np.ascontiguousarray(a)))
OS, OM = make_fns(Function, None, lambda t: t.array, lambda a: tg.Tensor._wrap(np.ascontiguousarray(a)))

def pair(vals, **kw):
    return torch.tensor(vals, dtype=torch.float64, **kw), tg.tensor(vals, dtype=tg.float64, **kw)

def test_chain_and_fanout_match_torch():
    tx, ox = pair([0.5, -1.5, 2.0], requires_grad=True)
    tw, ow = pair([1.0, 2.0, 3.0], requires_grad=True)
    for S, M, x, w in [(TS, TM, tx, tw), (OS, OM, ox, ow)]:
        y = S.apply(x); z = M.apply(y, y); out = M.apply(z, w)     # (x^2)^2 * w, y used twice
        out.backward(torch.ones(3, dtype=torch.float64) if S is TS else tg.ones(3, dtype=tg.float64))
    np.testing.assert_allclose(ox.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(ow.grad.numpy(), tw.grad.numpy())

def test_node_names_and_next_functions():
    ox = tg.tensor([1.0], requires_grad=True)
    y = OS.apply(ox)
    assert type(y.grad_fn).__name__ == 'SquareBackward'
    (n, k), = y.grad_fn.next_functions
    assert type(n).__name__ == 'AccumulateGrad' and n.variable is ox and k == 0
    z = OM.apply(y, tg.tensor([2.0]))
    assert [type(n).__name__ if n else None for n, _ in z.grad_fn.next_functions] == ['SquareBackward', None]
    assert z.grad_fn.next_functions[0][0] is y.grad_fn
    assert ox.is_leaf and not y.is_leaf and z.requires_grad

def test_accumulation_and_zeroing():
    ox = tg.ones(2, 2, requires_grad=True)
    for _ in range(3): OS.apply(ox).backward(tg.ones(2, 2))
    assert ox.grad.tolist() == [[6.0, 6.0], [6.0, 6.0]]
    g = ox.grad
    OS.apply(ox).backward(tg.ones(2, 2))
    assert ox.grad is g, "accumulation is in place, as in PyTorch"
    ox.grad.data.zero_()
    OS.apply(ox).backward(tg.ones(2, 2))
    assert ox.grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]

def test_errors_match_torch():
    cases = [
        lambda m, S, x: S.apply(x).backward(),                                   # non-scalar without gradient
        lambda m, S, x: m.ones(2).backward(m.ones(2)),                           # no grad_fn
        lambda m, S, x: (lambda y: (y.backward(m.ones(3, dtype=m.float64)), y.backward(m.ones(3, dtype=m.float64))))(S.apply(x)),
        lambda m, S, x: S.apply(x).backward(m.ones(2, dtype=m.float64)),         # wrong gradient shape
        lambda m, S, x: x.add_(1),                                               # in-place on a leaf that requires grad
    ]
    for case in cases:
        tx, ox = pair([1.0, 2.0, 3.0], requires_grad=True)
        with pytest.raises(RuntimeError) as e1: case(torch, TS, tx)
        with pytest.raises(RuntimeError) as e2: case(tg, OS, ox)
        assert str(e1.value).split('.')[0] == str(e2.value).split('.')[0]

def test_retain_graph_allows_second_backward():
    ox = tg.tensor([1.0, 2.0], requires_grad=True)
    y = OS.apply(ox)
    y.backward(tg.ones(2), retain_graph=True); y.backward(tg.ones(2))
    assert ox.grad.tolist() == [4.0, 8.0]

def test_modified_saved_tensor_raises():
    tx, ox = pair([1.0, 2.0], requires_grad=True)
    for S, M, x, m in [(TS, TM, tx, torch), (OS, OM, ox, tg)]:
        y = S.apply(x); z = S.apply(y)
        with m.no_grad(): y.mul_(2)
        with pytest.raises(RuntimeError, match='modified by an inplace operation'):
            z.backward(m.ones(2, dtype=m.float64))

def test_grad_function_and_allow_unused():
    tx, ox = pair([1.0, 2.0], requires_grad=True)
    tu, ou = pair([1.0], requires_grad=True)
    tg_, = torch.autograd.grad(TS.apply(tx), tx, torch.ones(2, dtype=torch.float64))
    og, = grad(OS.apply(ox), ox, tg.ones(2, dtype=tg.float64))
    np.testing.assert_allclose(og.numpy(), tg_.numpy()); assert ox.grad is None
    with pytest.raises(RuntimeError) as e1: torch.autograd.grad(TS.apply(tx), [tx, tu], torch.ones(2, dtype=torch.float64))
    with pytest.raises(RuntimeError) as e2: grad(OS.apply(ox), [ox, ou], tg.ones(2, dtype=tg.float64))
    assert str(e1.value) == str(e2.value)
    assert grad(OS.apply(ox), [ox, ou], tg.ones(2, dtype=tg.float64), allow_unused=True)[1] is None

def test_grad_of_non_leaf_and_retain_grad():
    ox = tg.tensor([1.0, 3.0], requires_grad=True)
    y = OS.apply(ox); y.retain_grad(); z = OS.apply(y)
    gy, = grad(z, y, tg.ones(2), retain_graph=True)
    assert gy.tolist() == [2.0, 18.0]
    z.backward(tg.ones(2))
    assert y.grad.tolist() == [2.0, 18.0] and ox.grad.tolist() == [4.0, 108.0]

def test_hooks():
    ox = tg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    ox.register_hook(lambda g: seen.append(g.tolist()))
    y = OS.apply(ox); y.register_hook(lambda g: g * 0 + 10 if hasattr(g, '__mul__') and hasattr(tg.Tensor, '__mul__') else None)
    OS.apply(y).backward(tg.ones(2))
    assert len(seen) == 1

def test_grad_modes():
    ox = tg.tensor([1.0], requires_grad=True)
    with no_grad():
        assert OS.apply(ox).grad_fn is None
        with enable_grad(): assert OS.apply(ox).grad_fn is not None
    with set_grad_enabled(False): assert OS.apply(ox).requires_grad is False
    @tg.no_grad()
    def f(): return OS.apply(ox)
    assert f().requires_grad is False
    assert OS.apply(ox).requires_grad

def test_detach_and_data():
    ox = tg.tensor([1.0, 2.0], requires_grad=True)
    y = OS.apply(ox); d = y.detach()
    assert d.requires_grad is False and d.grad_fn is None
    d += 1
    assert y.tolist() == [2.0, 5.0] and y._version == d._version == 1
    ox.data.mul_(10); assert ox.tolist() == [10.0, 20.0]
    y2 = OS.apply(ox); y2.detach_(); assert y2.is_leaf and not y2.requires_grad

def test_variable_legacy():
    x = Variable(tg.Tensor([1]), requires_grad=True)
    w = Variable(tg.Tensor([2]), requires_grad=True)
    assert isinstance(x, Variable) and isinstance(x, tg.Tensor) and x.requires_grad
    assert x.data.tolist() == [1.0]

def test_gradcheck():
    ox = tg.tensor([0.3, -0.7], dtype=tg.float64, requires_grad=True)
    assert gradcheck(OS.apply, (ox,))
    class Bad(OS):
        @staticmethod
        def backward(ctx, g): return g
    with pytest.raises(GradcheckError): gradcheck(Bad.apply, (ox,))
    assert gradcheck(Bad.apply, (ox,), raise_exception=False) is False

def test_inplace_on_view_of_leaf_raises_like_torch():
    tx, ox = pair([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(RuntimeError) as e1: tx[0:2].mul_(2)
    with pytest.raises(RuntimeError) as e2: ox[0:2].mul_(2)
    assert str(e1.value) == str(e2.value)

def test_draw_graph(tmp_path):
    from tinygrad_edu.autograd import draw_graph
    ox = tg.tensor([1.0, 2.0], requires_grad=True)
    z = OM.apply(OS.apply(ox), ox)
    p = draw_graph(z, tmp_path / 'g.svg'); assert (tmp_path / 'g.svg').stat().st_size > 1000
    assert '<svg' in p._repr_svg_()
    with pytest.raises(RuntimeError): draw_graph(tg.ones(2))


def test_function_backward_returns_one_grad_per_forward_argument():
    "torch maps backward's outputs to forward's arguments, non-tensor ones included (they get None)."
    import torch
    import tinygrad_edu as tg
    for lib in (tg, torch):
        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, k, x, y):
                ctx.k = k
                return x * k + y * y
            @staticmethod
            def backward(ctx, g):
                x, = ctx.needs_input_grad[1:2]
                return None, g * ctx.k, 2 * g
        x = lib.tensor([1., 2.], requires_grad=True); y = lib.tensor([3., 4.], requires_grad=True)
        Scale.apply(3.0, x, y).sum().backward()
        assert x.grad.tolist() == [3.0, 3.0] and y.grad.tolist() == [2.0, 2.0], lib
