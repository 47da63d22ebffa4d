"""Run one tutorial snippet twice, once with PyTorch and once with `import tinygrad_edu as torch`, and compare.

`run(code, ours)` executes `code` in a fresh namespace. For our run, every `import torch...` /
`from torch... import` is redirected to `tinygrad_edu...` and `torchvision...` to `tinygrad_edu.vision...`
(a custom `__import__` in the snippet's builtins), so the snippet's text is exactly the tutorial's.
Both libraries' default generators are seeded with the same seed first (tinygrad_edu's generator
reproduces PyTorch's CPU numbers bit for bit), so printed random tensors can be compared as text.
"""
import builtins, contextlib, importlib, io, math, re, textwrap, warnings
import numpy as np
import pytest
import torch
import tinygrad_edu as tg

ADDR = re.compile(r' at 0x[0-9a-fA-F]+')

def _mapped(name):
    "The tinygrad_edu module that stands for torch module `name` (None: not a torch/torchvision module)."
    for src, dst in (('torchvision', 'tinygrad_edu.vision'), ('torch', 'tinygrad_edu')):
        if name == src or name.startswith(src + '.'): return dst + name[len(src):], dst
    return None

def _import(name, globals=None, locals=None, fromlist=(), level=0):
    m = _mapped(name) if level == 0 else None
    if m is None: return builtins.__import__(name, globals, locals, fromlist, level)
    mod, top = m
    leaf = importlib.import_module(mod)
    return leaf if fromlist else importlib.import_module(top)

OUR_BUILTINS = dict(vars(builtins), __import__=_import)

def run(code, ours, seed=0, ns=None):
    "Execute `code` with torch (ours=False) or tinygrad_edu (ours=True); returns (stdout text, namespace)."
    lib = tg if ours else torch
    lib.manual_seed(seed)
    g = {'__name__': '__seed__', **(ns or {})}
    if ours: g['__builtins__'] = OUR_BUILTINS
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        exec(compile(textwrap.dedent(code), '<seed>', 'exec'), g)
    return ADDR.sub(' at 0x', buf.getvalue()), g

def to_np(t):
    return t.detach().numpy() if isinstance(t, (torch.Tensor, tg.Tensor)) else np.asarray(t)

def check(o, t, atol=1e-5, rtol=1e-5, grads=True):
    "Our value `o` matches torch's `t`: type, dtype, shape, values, requires_grad, grad_fn name and .grad."
    if isinstance(t, torch.Tensor):
        assert isinstance(o, tg.Tensor), f"expected a Tensor, got {type(o).__name__}"
        assert str(o.dtype) == str(t.dtype), (o.dtype, t.dtype)
        assert tuple(o.shape) == tuple(t.shape), (tuple(o.shape), tuple(t.shape))
        np.testing.assert_allclose(to_np(o), to_np(t), atol=atol, rtol=rtol, equal_nan=True)
        assert o.requires_grad == t.requires_grad, (o.requires_grad, t.requires_grad)
        if grads:
            assert type(o.grad_fn).__name__ == type(t.grad_fn).__name__, (o.grad_fn, t.grad_fn)
            if t.is_leaf and t.requires_grad: check(o.grad, t.grad, atol, rtol, grads=False)
    elif isinstance(t, (tuple, list)):
        assert len(o) == len(t)
        for a, b in zip(o, t): check(a, b, atol, rtol, grads)
    elif isinstance(t, dict):
        assert list(o) == list(t)
        for k in t: check(o[k], t[k], atol, rtol, grads)
    elif isinstance(t, float):
        assert math.isclose(o, t, rel_tol=rtol, abs_tol=atol), (o, t)
    elif isinstance(t, torch.Size):
        assert isinstance(o, tg.Size) and tuple(o) == tuple(t), (o, t)
    elif isinstance(t, torch.dtype):
        assert str(o) == str(t), (o, t)
    elif t is None or isinstance(t, (int, str, bool)):
        assert o == t and type(o) is type(t), (o, t)
    else:
        raise TypeError(f"don't know how to compare {type(t)}")

def same(code, names=(), seed=0, output=True, atol=1e-5, rtol=1e-5, ns_torch=None, ns_ours=None):
    """Run `code` with both libraries; the printed text must be identical (object addresses masked) when
    `output`, and each variable in `names` must match (see `check`). Returns both namespaces."""
    out_t, nt = run(code, False, seed, ns_torch)
    out_o, no = run(code, True, seed, ns_ours)
    if output: assert out_o == out_t, f"\n--- ours ---\n{out_o}\n--- torch ---\n{out_t}"
    for n in names: check(no[n], nt[n], atol, rtol)
    return no, nt

def same_error(code, setup='', seed=0):
    "Both libraries raise the same exception type, with the same first line of message, in `code` (after `setup`)."
    res = []
    for ours in (False, True):
        _, g = run(setup, ours, seed)
        with pytest.raises(Exception) as e: run(code, ours, seed, ns=g)
        res.append(e.value)
    t, o = res
    assert type(o) is type(t), f"ours {type(o).__name__}: {o}\ntorch {type(t).__name__}: {t}"
    assert str(o).split('\n')[0] == str(t).split('\n')[0], f"\nours:  {o}\ntorch: {t}"

def needs_nn(test):
    "Marks the snippets that use torch.nn (they were skipped until the nn branch was merged; now they run)."
    return test
needs_optim = needs_nn      # (torch.optim / torch.save: merged too)
