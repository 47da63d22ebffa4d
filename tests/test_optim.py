"""Optimizers (notebooks 06-06b) against torch.optim: 20-step trajectories, param groups, state_dict, errors."""
import itertools, pickle, warnings
import numpy as np
import pytest
import torch
import tinygrad_edu as tg
from tinygrad_edu import optim as tgo

SHAPES = [(3, 4), (5,)]

def grad_fn(a):
    "A gradient that depends on the parameter (so errors would compound): float32 in, float32 out."
    return (np.sin(3 * a) + 0.5 * a - 0.1).astype(a.dtype)

def make_params(dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    arrs = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    return ([torch.tensor(a, requires_grad=True) for a in arrs], [tg.tensor(a, requires_grad=True) for a in arrs])

def set_grads(tps, gps):
    for t, g in zip(tps, gps):
        t.grad = torch.from_numpy(grad_fn(t.detach().numpy()))
        g.grad = tg.tensor(grad_fn(g.array.copy()))

def trajectories(name, kw, steps=20, dtype=np.float32, groups=None):
    tps, gps = make_params(dtype)
    if groups is None: t_opt, g_opt = getattr(torch.optim, name)(tps, **kw, foreach=False), getattr(tgo, name)(gps, **kw, foreach=False)
    else:
        t_opt = getattr(torch.optim, name)([dict(g, params=[tps[i]]) for i, g in enumerate(groups)], **kw, foreach=False)
        g_opt = getattr(tgo, name)([dict(g, params=[gps[i]]) for i, g in enumerate(groups)], **kw, foreach=False)
    for _ in range(steps):
        set_grads(tps, gps)
        t_opt.step(); g_opt.step()
    return tps, gps, t_opt, g_opt

def assert_close(tps, gps, tol=1e-5):
    for t, g in zip(tps, gps):
        np.testing.assert_allclose(g.array, t.detach().numpy(), rtol=tol, atol=tol)
        assert g.dtype.name == str(t.dtype).split('.')[-1]

SGD_CASES = [dict(lr=lr, momentum=m, dampening=d, weight_decay=wd, nesterov=n, maximize=mx)
             for lr, m, d, wd, n, mx in itertools.product([0.05], [0, 0.9], [0, 0.3], [0, 0.01], [False, True], [False, True])
             if not (n and (m == 0 or d != 0))]

@pytest.mark.parametrize('kw', SGD_CASES, ids=lambda kw: '-'.join(f'{k}{v}' for k, v in kw.items()))
def test_sgd_trajectory(kw):
    tps, gps, *_ = trajectories('SGD', kw)
    assert_close(tps, gps)

ADAM_CASES = [dict(lr=0.01, betas=b, eps=e, weight_decay=wd, amsgrad=a, maximize=mx)
              for b, e, wd, a, mx in itertools.product([(0.9, 0.999), (0.5, 0.9)], [1e-8], [0, 0.1], [False, True], [False, True])]

@pytest.mark.parametrize('name', ['Adam', 'AdamW'])
@pytest.mark.parametrize('kw', ADAM_CASES, ids=lambda kw: '-'.join(f'{k}{v}' for k, v in kw.items()))
def test_adam_trajectory(name, kw):
    tps, gps, t_opt, g_opt = trajectories(name, kw)
    assert_close(tps, gps)
    for i, p in enumerate(tps):
        ts, gs = t_opt.state[p], g_opt.state[gps[i]]
        assert sorted(ts) == sorted(gs)
        for k in ts: np.testing.assert_allclose(gs[k].array, ts[k].numpy(), rtol=1e-5, atol=1e-6)
        assert gs['step'].dtype is tg.float32 and gs['step'].shape == ()

def test_float64_and_defaults():
    for name, kw in [('SGD', dict(lr=0.1, momentum=0.9, nesterov=True)), ('Adam', {}), ('AdamW', {})]:
        tps, gps, *_ = trajectories(name, kw, dtype=np.float64)
        assert_close(tps, gps, tol=1e-12)

def test_param_groups_lr_weight_decay():
    groups = [dict(lr=0.1, weight_decay=0.01), dict(momentum=0.5)]
    tps, gps, t_opt, g_opt = trajectories('SGD', dict(lr=0.02, momentum=0.9), groups=groups)
    assert_close(tps, gps)
    assert repr(g_opt) == repr(t_opt)
    tps, gps, t_opt, g_opt = trajectories('AdamW', dict(lr=0.01), groups=[dict(lr=0.1, weight_decay=0), dict(betas=(0.8, 0.99))])
    assert_close(tps, gps)
    assert repr(g_opt) == repr(t_opt)

@pytest.mark.parametrize('name,kw', [('SGD', dict(lr=0.1, momentum=0.9)), ('SGD', {}), ('Adam', dict(amsgrad=True)),
                                     ('AdamW', dict(lr=0.01))])
def test_repr_and_state_dict_format(name, kw):
    tps, gps, t_opt, g_opt = trajectories(name, kw, steps=2)
    assert repr(g_opt) == repr(t_opt)
    tsd, gsd = t_opt.state_dict(), g_opt.state_dict()
    assert gsd['param_groups'] == tsd['param_groups']
    assert list(gsd['state']) == list(tsd['state'])
    for i in tsd['state']:
        assert sorted(gsd['state'][i]) == sorted(tsd['state'][i])
        for k, v in tsd['state'][i].items():
            assert isinstance(gsd['state'][i][k], tg.Tensor)
            np.testing.assert_allclose(gsd['state'][i][k].array, v.numpy(), rtol=1e-5, atol=1e-6)

@pytest.mark.parametrize('name,kw', [('SGD', dict(lr=0.05, momentum=0.9, nesterov=True)), ('Adam', dict(lr=0.01, amsgrad=True)),
                                     ('AdamW', dict(lr=0.01))])
def test_resume_equivalence(name, kw):
    "10 steps, state_dict -> save -> load into fresh optimizer over copied params, 10 more == 20 uninterrupted steps."
    tps, gps, _, g_opt = trajectories(name, kw, steps=20)
    _, gps2 = make_params()
    opt2 = getattr(tgo, name)(gps2, **kw)
    for _ in range(10):
        for p in gps2: p.grad = tg.tensor(grad_fn(p.array.copy()))
        opt2.step()
    import io
    buf = io.BytesIO(); tg.save({'opt': opt2.state_dict(), 'params': [p.detach() for p in gps2]}, buf); buf.seek(0)
    ck = tg.load(buf)
    gps3 = [tg.tensor(a.array.copy(), requires_grad=True) for a in ck['params']]
    opt3 = getattr(tgo, name)(gps3, lr=123.0)
    opt3.load_state_dict(ck['opt'])
    assert opt3.param_groups[0]['lr'] == kw.get('lr', 1e-3)
    for _ in range(10):
        for p in gps3: p.grad = tg.tensor(grad_fn(p.array.copy()))
        opt3.step()
    for a, b in zip(gps, gps3): np.testing.assert_array_equal(a.array, b.array)
    assert_close(tps, gps3)

def test_load_torch_state_dict_values():
    "A torch state_dict converted via numpy loads into ours and continues the same trajectory."
    tps, gps = make_params()
    t_opt, g_opt = torch.optim.Adam(tps, lr=0.01, foreach=False), tgo.Adam(gps, lr=0.01)
    for _ in range(5):
        set_grads(tps, [tg.tensor(p.detach().numpy(), requires_grad=True) for p in tps]); t_opt.step()
    for g, t in zip(gps, tps): g.array[...] = t.detach().numpy()
    sd = t_opt.state_dict()
    conv = {'state': {i: {k: tg.tensor(v.numpy()) for k, v in s.items()} for i, s in sd['state'].items()},
            'param_groups': sd['param_groups']}
    g_opt.load_state_dict(conv)
    for _ in range(5):
        set_grads(tps, gps); t_opt.step(); g_opt.step()
    assert_close(tps, gps)

def test_autograd_loop_matches_torch():
    "A linear regression trained with backward() on both sides."
    rng = np.random.default_rng(1)
    X, y, W = rng.standard_normal((16, 3)).astype(np.float32), rng.standard_normal((16, 1)).astype(np.float32), rng.standard_normal((3, 1)).astype(np.float32)
    tw, gw = torch.tensor(W, requires_grad=True), tg.tensor(W, requires_grad=True)
    tb, gb = torch.zeros(1, requires_grad=True), tg.zeros(1, requires_grad=True)
    t_opt = torch.optim.SGD([tw, tb], lr=0.05, momentum=0.9, weight_decay=1e-3, foreach=False)
    g_opt = tgo.SGD([gw, gb], lr=0.05, momentum=0.9, weight_decay=1e-3)
    for _ in range(20):
        for opt, w, b, m in ((t_opt, tw, tb, torch), (g_opt, gw, gb, tg)):
            opt.zero_grad()
            loss = ((m.tensor(X) @ w + b - m.tensor(y)) ** 2).mean()
            loss.backward()
            opt.step()
    assert_close([tw, tb], [gw, gb])

def test_closure_and_skips_params_without_grad():
    tps, gps = make_params()
    for opt_cls in (tgo.SGD, tgo.Adam):
        p, q = tg.tensor([1., 2.], requires_grad=True), tg.tensor([3.], requires_grad=True)
        opt = opt_cls([p, q], lr=0.1)
        def closure():
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss
        with tg.no_grad():
            loss = opt.step(closure)
        assert loss.item() == 5.0
        assert q.tolist() == [3.0] and p.tolist() != [1.0, 2.0]
        assert q not in opt.state or not opt.state[q]

def test_zero_grad():
    p = tg.tensor([1., 2.], requires_grad=True)
    opt = tgo.SGD([p], lr=0.1)
    (p * 3).sum().backward()
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g and p.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None

def test_version_counter_bumped():
    p = tg.tensor([1., 2.], requires_grad=True)
    opt = tgo.Adam([p])
    p.grad = tg.tensor([1., 1.])
    v = p._version
    opt.step()
    assert p._version > v

def _both(fn):
    "Call fn(torch) and fn(tg): both raise the same exception type with the same message."
    errs = []
    for m in (torch, tg):
        with pytest.raises(Exception) as e: fn(m)
        errs.append(e.value)
    assert type(errs[0]) is type(errs[1]) and str(errs[0]) == str(errs[1]), (errs[0], errs[1])

@pytest.mark.parametrize('case', [
    lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], lr=0.1, nesterov=True),
    lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
    lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], lr=-0.1),
    lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], momentum=-0.1),
    lambda m: m.optim.SGD([m.ones(2, requires_grad=True)], weight_decay=-0.1),
    lambda m: m.optim.SGD(m.ones(2, requires_grad=True)),
    lambda m: m.optim.SGD([]),
    lambda m: m.optim.SGD([{'params': {m.ones(2, requires_grad=True)}}]),
    lambda m: m.optim.SGD([1.0]),
    lambda m: m.optim.SGD([m.ones(2, requires_grad=True) * 2]),
    lambda m: (lambda p: m.optim.SGD([{'params': [p]}, {'params': [p]}]))(m.ones(2, requires_grad=True)),
    lambda m: (lambda p: m.optim.SGD([p]).add_param_group({'params': p}))(m.ones(2, requires_grad=True)),
    lambda m: m.optim.SGD([m.ones(1, requires_grad=True)]).add_param_group([m.ones(1)]),
    lambda m: m.optim.SGD([('a', m.ones(1, requires_grad=True)), m.ones(1, requires_grad=True)]),
    lambda m: m.optim.Adam([m.ones(2, requires_grad=True)], lr=-1.0),
    lambda m: m.optim.Adam([m.ones(2, requires_grad=True)], eps=-1.0),
    lambda m: m.optim.Adam([m.ones(2, requires_grad=True)], betas=(1.0, 0.999)),
    lambda m: m.optim.Adam([m.ones(2, requires_grad=True)], betas=(0.9, -0.1)),
    lambda m: m.optim.AdamW([m.ones(2, requires_grad=True)], weight_decay=-1.0),
    lambda m: m.optim.Adam([m.ones(2, requires_grad=True)]).load_state_dict({'state': {}, 'param_groups': []}),
    lambda m: m.optim.Adam([m.ones(2, requires_grad=True)]).load_state_dict({'state': {}, 'param_groups': [{'params': [0, 1]}]}),
    lambda m: m.optim.Optimizer([m.ones(2, requires_grad=True)], {}).step(),
])
def test_errors_like_torch(case):
    _both(case)

def test_required_lr():
    class GD(tgo.Optimizer):
        def __init__(self, params, lr=tgo.optimizer.required): super().__init__(params, dict(lr=lr))
    with pytest.raises(ValueError, match="didn't specify a value of required optimization parameter lr"):
        GD([tg.ones(1, requires_grad=True)])

def test_named_params_and_duplicates_warning():
    p, q = tg.ones(2, requires_grad=True), tg.ones(1, requires_grad=True)
    opt = tgo.SGD([('w', p), ('b', q)], lr=0.1)
    assert opt.param_groups[0]['param_names'] == ['w', 'b']
    assert opt.state_dict()['param_groups'][0]['param_names'] == ['w', 'b']
    with pytest.warns(UserWarning, match="duplicate parameters"):
        tgo.SGD([p, p], lr=0.1)

def test_pickle_optimizer():
    p = tg.tensor([1., 2.], requires_grad=True)
    opt = tgo.SGD([p], lr=0.1, momentum=0.9)
    p.grad = tg.tensor([1., 1.]); opt.step()
    opt2 = pickle.loads(pickle.dumps(opt))
    assert repr(opt2) == repr(opt)

def test_cuda_kernel_dispatch_arguments(monkeypatch):
    """When params are CuPy arrays, sgd_step/adam_step call the fused kernels of notebook 09a. Here (no GPU) the
    dispatch is forced with NumPy stand-ins that compute the kernels' CUDA bodies, to check the arguments passed
    (maximize, first step, decoupled decay) give torch's trajectories."""
    import math
    import tinygrad_edu.optim.sgd as S, tinygrad_edu.optim.adam as A
    calls = []
    def sgd_momentum_(p, g, buf, lr, momentum, dampening=0., weight_decay=0., nesterov=False, first=False):
        calls.append('sgd')
        d = g + weight_decay * p
        buf[...] = d if first else momentum * buf + (1 - dampening) * d
        p[...] = p - lr * (d + momentum * buf if nesterov else buf)
    def adam_(p, g, exp_avg, exp_avg_sq, step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0., decoupled=False):
        calls.append('adam')
        d = g if decoupled else g + weight_decay * p
        if decoupled: p[...] = p * (1 - lr * weight_decay)
        exp_avg[...] = beta1 * exp_avg + (1 - beta1) * d
        exp_avg_sq[...] = beta2 * exp_avg_sq + (1 - beta2) * d * d
        bc1, bc2 = 1 - beta1 ** step, 1 - beta2 ** step
        p[...] = p - (lr / bc1) * exp_avg / (np.sqrt(exp_avg_sq) / math.sqrt(bc2) + eps)
    kernels = {'sgd_momentum_': sgd_momentum_, 'adam_': adam_}
    monkeypatch.setattr(S, 'cuda_kernel', lambda name, a: kernels.get(name))
    monkeypatch.setattr(A, 'cuda_kernel', lambda name, a: kernels.get(name))
    for kw in [dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01, maximize=True), dict(lr=0.05, momentum=0.9, dampening=0.2)]:
        tps, gps, *_ = trajectories('SGD', kw)
        assert_close(tps, gps, tol=1e-4)
    for name, kw in [('Adam', dict(lr=0.01, weight_decay=0.1, maximize=True)), ('AdamW', dict(lr=0.01))]:
        tps, gps, *_ = trajectories(name, kw)
        assert_close(tps, gps, tol=1e-4)
    assert calls.count('sgd') == 2 * 20 * 2 and calls.count('adam') == 2 * 20 * 2
    calls.clear()
    trajectories('Adam', dict(amsgrad=True), steps=2); trajectories('SGD', dict(lr=0.1), steps=2)
    assert calls == []        # amsgrad and momentum-free SGD use the array code (which CuPy also runs)

ADAGRAD_CASES = [dict(lr=0.1, lr_decay=ld, weight_decay=wd, initial_accumulator_value=iav, maximize=mx)
                 for ld, wd, iav, mx in itertools.product([0, 0.01], [0, 0.1], [0, 0.5], [False, True])]

@pytest.mark.parametrize('kw', ADAGRAD_CASES, ids=lambda kw: '-'.join(f'{k}{v}' for k, v in kw.items()))
def test_adagrad_trajectory(kw):
    tps, gps, t_opt, g_opt = trajectories('Adagrad', kw)
    assert_close(tps, gps)
    assert repr(g_opt) == repr(t_opt)

RMSPROP_CASES = [dict(lr=0.01, alpha=a, weight_decay=wd, momentum=m, centered=c, maximize=mx)
                 for a, wd, m, c, mx in itertools.product([0.99, 0.5], [0, 0.1], [0, 0.9], [False, True], [False, True])]

@pytest.mark.parametrize('kw', RMSPROP_CASES, ids=lambda kw: '-'.join(f'{k}{v}' for k, v in kw.items()))
def test_rmsprop_trajectory(kw):
    tps, gps, t_opt, g_opt = trajectories('RMSprop', kw)
    assert_close(tps, gps)
    assert repr(g_opt) == repr(t_opt)
    for i, p in enumerate(tps):
        assert sorted(t_opt.state[p]) == sorted(g_opt.state[gps[i]])

def test_adagrad_state_created_at_init_and_state_dict():
    tps, gps = make_params()
    t_opt, g_opt = torch.optim.Adagrad(tps, initial_accumulator_value=0.3), tgo.Adagrad(gps, initial_accumulator_value=0.3)
    tsd, gsd = t_opt.state_dict(), g_opt.state_dict()
    assert list(gsd['state']) == list(tsd['state']) == [0, 1]
    for i in tsd['state']:
        for k, v in tsd['state'][i].items(): np.testing.assert_array_equal(gsd['state'][i][k].array, v.numpy())

def _hook_script(m):
    O = m.optim
    p = m.tensor([1., 2.], requires_grad=True)
    opt = O.SGD([p], lr=0.1, momentum=0.9)
    log = []
    def pre(o, args, kwargs):
        log.append(('pre', o is opt, len(args), sorted(kwargs)))
        return (args, kwargs)
    h1 = opt.register_step_pre_hook(pre)
    opt.register_step_post_hook(lambda o, a, k: log.append(('post', len(a))))
    import importlib
    M = importlib.import_module(m.__name__ + '.optim.optimizer')
    g1 = M.register_optimizer_step_pre_hook(lambda o, a, k: log.append('gpre'))
    g2 = M.register_optimizer_step_post_hook(lambda o, a, k: log.append('gpost'))
    opt.register_state_dict_pre_hook(lambda o: log.append('sd_pre'))
    opt.register_state_dict_pre_hook(lambda o: log.append('sd_pre_first'), prepend=True)
    opt.register_state_dict_post_hook(lambda o, sd: {**sd, 'extra': 1})
    opt.register_load_state_dict_pre_hook(lambda o, sd: log.append(('ld_pre', sorted(sd))))
    opt.register_load_state_dict_post_hook(lambda o: log.append('ld_post'))
    try:
        p.grad = m.tensor([1., 1.])
        opt.step()
        opt.step(closure=None)
        h1.remove(); g1.remove()
        opt.step()
        sd = opt.state_dict()
        opt.load_state_dict(sd)
    finally:
        g1.remove(); g2.remove()
    log.append(sd['extra'])
    log.append([round(v, 6) for v in p.tolist()])
    return log

def test_hooks_like_torch():
    "The same script on both libraries records the same calls."
    assert _hook_script(tg) == _hook_script(torch)

def test_hooks_run_once_for_subclass_calling_super():
    calls = []
    class MySGD(tgo.SGD):
        def step(self, closure=None):
            calls.append('mine')
            return super().step(closure)
    p = tg.tensor([1.], requires_grad=True); p.grad = tg.tensor([1.])
    opt = MySGD([p], lr=0.1)
    opt.register_step_pre_hook(lambda o, a, k: calls.append('pre'))
    opt.step()
    assert calls == ['pre', 'mine'] and abs(p.item() - 0.9) < 1e-7
    import copy
    assert copy.deepcopy(opt).step() is None and calls == ['pre', 'mine', 'mine']   # copies drop hooks, as torch's
