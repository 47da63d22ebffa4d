"""Adamax, Adadelta, NAdam, RAdam, Rprop, ASGD (notebook 06h) and CyclicLR (06c) against torch: trajectories, state, errors."""
import io, itertools, warnings
import numpy as np
import pytest
import torch
import tinygrad_edu as tg
from tinygrad_edu import optim as tgo

from test_optim import SHAPES, grad_fn, make_params     # the parameters and gradients of test_optim.py

def trajectories(name, kw, steps=15, dtype=np.float32):
    "`steps` updates of both libraries' optimizer `name` on the same parameter-dependent gradients."
    tps, gps = make_params(dtype)
    t_opt, g_opt = getattr(torch.optim, name)(tps, **kw), getattr(tgo, name)(gps, **kw)
    for _ in range(steps):
        for t, g in zip(tps, gps):
            t.grad = torch.from_numpy(grad_fn(t.detach().numpy()))
            g.grad = tg.tensor(grad_fn(g.array.copy()))
        t_opt.step(); g_opt.step()
    return tps, gps, t_opt, g_opt

def assert_close(tps, gps, tol):
    for t, g in zip(tps, gps):
        np.testing.assert_allclose(g.array, t.detach().numpy(), rtol=tol, atol=tol)
        assert g.dtype.name == str(t.dtype).split('.')[-1]

def assert_same_state(t_opt, g_opt, tps, gps, tol):
    for t, g in zip(tps, gps):
        ts, gs = t_opt.state[t], g_opt.state[g]
        assert sorted(ts) == sorted(gs)
        for k, v in ts.items():
            assert isinstance(gs[k], tg.Tensor) and gs[k].shape == tuple(v.shape), k
            assert gs[k].dtype.name == str(v.dtype).split('.')[-1], (k, gs[k].dtype, v.dtype)
            np.testing.assert_allclose(gs[k].array, v.numpy(), rtol=tol, atol=tol, err_msg=k)

def cases(**options):
    "Every combination of the option values given as lists."
    return [dict(zip(options, vs)) for vs in itertools.product(*options.values())]

CASES = {
    'Adamax': cases(lr=[0.01], betas=[(0.9, 0.999), (0.5, 0.9)], weight_decay=[0, 0.1], maximize=[False, True]),
    'Adadelta': cases(lr=[1.0, 0.5], rho=[0.9, 0.5], weight_decay=[0, 0.1], maximize=[False, True]) + [dict(eps=1e-3)],
    'NAdam': cases(lr=[0.01], weight_decay=[0, 0.1], decoupled_weight_decay=[False, True], maximize=[False, True])
             + [dict(momentum_decay=0.1, betas=(0.5, 0.9)), dict(momentum_decay=0)],
    'RAdam': cases(lr=[0.01], betas=[(0.9, 0.999), (0.5, 0.6)], weight_decay=[0, 0.1], decoupled_weight_decay=[False, True],
                   maximize=[False, True]),
    'Rprop': cases(lr=[0.01, 0.3], etas=[(0.5, 1.2), (0.3, 2.0)], maximize=[False, True]) + [dict(step_sizes=(0.02, 0.05))],
    'ASGD': cases(lr=[0.05], lambd=[1e-4, 0.1], t0=[1e6, 3], weight_decay=[0, 0.1], maximize=[False, True])
            + [dict(alpha=0.5, t0=0)],
}
ALL = [(n, kw) for n, kws in CASES.items() for kw in kws]
ID = lambda v: v if isinstance(v, str) else '-'.join(f'{k}{w}' for k, w in v.items())

@pytest.mark.parametrize('name,kw', ALL, ids=[f'{n}-{ID(kw)}' for n, kw in ALL])
def test_trajectory_float32(name, kw):
    tps, gps, t_opt, g_opt = trajectories(name, kw)
    assert_close(tps, gps, 1e-5)
    assert_same_state(t_opt, g_opt, tps, gps, 1e-5)
    assert repr(g_opt) == repr(t_opt)

@pytest.mark.parametrize('name', list(CASES))
def test_trajectory_float64_defaults_and_options(name):
    for kw in [{}] + CASES[name][-2:]:
        tps, gps, t_opt, g_opt = trajectories(name, kw, dtype=np.float64)
        assert_close(tps, gps, 1e-10)
        assert_same_state(t_opt, g_opt, tps, gps, 1e-6)     # float32 scalars (step, eta, mu, mu_product) stay float32

@pytest.mark.parametrize('name', list(CASES))
def test_model_training_loop(name):
    "A small MLP trained with backward() on both sides, two param groups (second with its own lr)."
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((16, 4)).astype(np.float32), rng.standard_normal((16, 1)).astype(np.float32)
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    gm = tg.nn.Sequential(tg.nn.Linear(4, 8), tg.nn.Tanh(), tg.nn.Linear(8, 1))
    gm.load_state_dict({k: tg.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    kw = dict(CASES[name][1])
    lr = kw.pop('lr', 0.01)
    opts = [getattr(m.optim, name)([{'params': mod[0].parameters()}, {'params': mod[2].parameters(), 'lr': lr / 2}], lr=lr, **kw)
            for m, mod in ((torch, tm), (tg, gm))]
    for _ in range(10):
        for m, mod, opt in ((torch, tm, opts[0]), (tg, gm, opts[1])):
            opt.zero_grad()
            loss = ((mod(m.tensor(X)) - m.tensor(y)) ** 2).mean()
            loss.backward()
            opt.step()
    assert_close(list(tm.parameters()), list(gm.parameters()), 1e-5)
    assert repr(opts[0]) == repr(opts[1])

@pytest.mark.parametrize('name', list(CASES))
def test_state_dict_layout_and_resume(name):
    "state_dict matches torch's layout; saving after 8 steps and resuming in a fresh optimizer gives the 15-step result."
    kw = CASES[name][-1]
    tps, gps, t_opt, g_opt = trajectories(name, kw, steps=8)
    tsd, gsd = t_opt.state_dict(), g_opt.state_dict()
    assert gsd['param_groups'] == tsd['param_groups']
    assert list(gsd['state']) == list(tsd['state'])
    for i, s in tsd['state'].items():
        assert list(gsd['state'][i]) == list(s)
        for k, v in s.items(): np.testing.assert_allclose(gsd['state'][i][k].array, v.numpy(), rtol=1e-5, atol=1e-6)
    buf = io.BytesIO(); tg.save({'opt': gsd, 'params': [p.detach() for p in gps]}, buf); buf.seek(0)
    ck = tg.load(buf)
    gps2 = [tg.tensor(a.array.copy(), requires_grad=True) for a in ck['params']]
    opt2 = getattr(tgo, name)(gps2, lr=123.0)
    opt2.load_state_dict(ck['opt'])
    for _ in range(7):
        for p in gps2: p.grad = tg.tensor(grad_fn(p.array.copy()))
        opt2.step()
    full, *_ = trajectories(name, kw, steps=15)
    assert_close(full, gps2, 1e-5)

def test_skips_params_without_grad_and_closure():
    for name in CASES:
        p, q = tg.tensor([1., 2.], requires_grad=True), tg.tensor([3.], requires_grad=True)
        opt = getattr(tgo, name)([p, q])
        def closure():
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss
        v = p._version
        assert opt.step(closure).item() == 5.0
        assert q.tolist() == [3.0] and p.tolist() != [1.0, 2.0] and p._version > v
        assert not opt.state[q] and opt.state[p]['step'].item() == 1.0

def _both(fn):
    "fn(torch) and fn(tg) raise the same exception type with the same message."
    errs = []
    for m in (torch, tg):
        with pytest.raises(Exception) as e: fn(m)
        errs.append(e.value)
    assert type(errs[0]) is type(errs[1]) and str(errs[0]) == str(errs[1]), (errs[0], errs[1])

BAD = [('Adamax', dict(lr=-1)), ('Adamax', dict(eps=-1.0)), ('Adamax', dict(betas=(1.0, 0.9))), ('Adamax', dict(betas=(0.9, -0.5))),
       ('Adamax', dict(weight_decay=-0.1)), ('Adadelta', dict(lr=-1)), ('Adadelta', dict(rho=1.1)), ('Adadelta', dict(rho=-0.1)),
       ('Adadelta', dict(eps=-1)), ('Adadelta', dict(weight_decay=-1)), ('NAdam', dict(lr=-1)), ('NAdam', dict(eps=-1)),
       ('NAdam', dict(betas=(0.9, 1.0))), ('NAdam', dict(weight_decay=-1)), ('NAdam', dict(momentum_decay=-0.5)),
       ('RAdam', dict(lr=-0.5)), ('RAdam', dict(eps=-1)), ('RAdam', dict(betas=(-0.1, 0.9))), ('RAdam', dict(weight_decay=-2)),
       ('Rprop', dict(lr=-1)), ('Rprop', dict(etas=(1.0, 1.2))), ('Rprop', dict(etas=(0.5, 1.0))), ('Rprop', dict(etas=(0, 2))),
       ('ASGD', dict(lr=-1)), ('ASGD', dict(weight_decay=-1))]

@pytest.mark.parametrize('name,kw', BAD, ids=[f'{n}-{ID(kw)}' for n, kw in BAD])
def test_errors_like_torch(name, kw):
    _both(lambda m: getattr(m.optim, name)([m.ones(2, requires_grad=True)], **kw))

def test_signatures_and_defaults_match_torch():
    import inspect
    for name in CASES:
        ts, gs = inspect.signature(getattr(torch.optim, name)), inspect.signature(getattr(tgo, name))
        assert [(p.name, p.kind, p.default) for p in ts.parameters.values()] == \
               [(p.name, p.kind, p.default) for p in gs.parameters.values()], name
        t_opt, g_opt = getattr(torch.optim, name)([torch.ones(1, requires_grad=True)]), getattr(tgo, name)([tg.ones(1, requires_grad=True)])
        assert g_opt.defaults == t_opt.defaults and repr(g_opt) == repr(t_opt)

# ---------------------------------------------------------------------------------------------------- CyclicLR
def opt_pair(name='SGD', lrs=(0.1, 0.03), **kw):
    t = getattr(torch.optim, name)([{'params': [torch.zeros(1, requires_grad=True)], 'lr': lr} for lr in lrs], **kw)
    g = getattr(tgo, name)([{'params': [tg.zeros(1, requires_grad=True)], 'lr': lr} for lr in lrs], **kw)
    return t, g

def sequences(make, steps=60, opt='SGD', **okw):
    "Each step's (last lr, momentum or betas, group lr) for both libraries."
    t_opt, g_opt = opt_pair(opt, **okw)
    ts, gs = make(torch.optim.lr_scheduler, t_opt), make(tgo.lr_scheduler, g_opt)
    keys = [k for k in ('momentum', 'betas') if k in t_opt.param_groups[0]]
    out = ([], [])
    for _ in range(steps):
        for o, s, rec in ((t_opt, ts, out[0]), (g_opt, gs, out[1])):
            rec.append([list(s.get_last_lr())] + [[grp[k] for grp in o.param_groups] for k in keys])
            o.step(); s.step()
    return out[0], out[1], ts, gs

def flat(x):
    if isinstance(x, (list, tuple)):
        for v in x: yield from flat(v)
    else: yield x

class Halving:
    "A callable object (not a lambda): its state is saved in CyclicLR's state_dict, as torch does."
    def __init__(self): self.base = 0.5
    def __call__(self, x): return self.base ** x

CYCLIC = {
    'triangular': lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5),
    'triangular_down': lambda m, o: m.CyclicLR(o, base_lr=[0.01, 0.002], max_lr=[0.1, 0.05], step_size_up=4, step_size_down=7),
    'triangular2': lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, mode='triangular2'),
    'exp_range': lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=6, mode='exp_range', gamma=0.97),
    'scale_fn_cycle': lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=4, scale_fn=lambda x: 1 / x),
    'scale_fn_iterations': lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=4, scale_fn=Halving(), scale_mode='iterations'),
    'momenta': lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=5, base_momentum=[0.7, 0.75], max_momentum=0.95),
    'no_momentum': lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=5, cycle_momentum=False),
}

@pytest.mark.parametrize('opt', ['SGD', 'Adam', 'NAdam'])
@pytest.mark.parametrize('name', list(CYCLIC))
def test_cyclic_lr_sequences(name, opt):
    okw = dict(momentum=0.9) if opt == 'SGD' else {}
    t, g, ts, gs = sequences(CYCLIC[name], opt=opt, **okw)
    assert len(t) == len(g)
    np.testing.assert_allclose(list(flat(g)), list(flat(t)), rtol=1e-12, atol=0)
    assert sorted(gs.state_dict()) == sorted(ts.state_dict())

def test_cyclic_lr_state_dict_and_resume():
    t, g, *_ = sequences(CYCLIC['scale_fn_iterations'], steps=40)
    _, o = opt_pair(momentum=0.9)
    s = CYCLIC['scale_fn_iterations'](tgo.lr_scheduler, o)
    for _ in range(20): o.step(); s.step()
    s._scale_fn_custom.base = 0.5
    sd = s.state_dict()
    assert sd['_scale_fn_custom'] == {'base': 0.5} and '_scale_fn_ref' not in sd
    b = io.BytesIO(); tg.save({'opt': o.state_dict(), 'sched': sd}, b); b.seek(0)
    ck = tg.load(b)
    _, o2 = opt_pair(momentum=0.9)
    s2 = CYCLIC['scale_fn_iterations'](tgo.lr_scheduler, o2)
    s2._scale_fn_custom.base = 0.9
    o2.load_state_dict(ck['opt']); s2.load_state_dict(ck['sched'])
    assert s2._scale_fn_custom.base == 0.5
    rest = []
    for _ in range(20):
        rest.append([list(s2.get_last_lr()), [grp['momentum'] for grp in o2.param_groups]])
        o2.step(); s2.step()
    assert rest == g[20:]
    sd = CYCLIC['triangular2'](tgo.lr_scheduler, opt_pair(momentum=0.9)[1]).state_dict()
    assert sd['_scale_fn_custom'] is None and '_scale_fn_ref' not in sd

def _both_sched(fn, **okw):
    errs = []
    for m, o in ((torch.optim.lr_scheduler, opt_pair(**okw)[0]), (tgo.lr_scheduler, opt_pair(**okw)[1])):
        with pytest.raises(Exception) as e: fn(m, o)
        errs.append(e.value)
    assert type(errs[0]) is type(errs[1]) and str(errs[0]) == str(errs[1]), errs

@pytest.mark.parametrize('case', [
    lambda m, o: m.CyclicLR(o, 0.01, 0.1, mode='cosine'),
    lambda m, o: m.CyclicLR(o, [0.01], 0.1),
    lambda m, o: m.CyclicLR(o, 0.01, [0.1, 0.2, 0.3]),
    lambda m, o: m.CyclicLR(o, 0.01, 0.1, base_momentum=[0.8]),
    lambda m, o: m.CyclicLR(object(), 0.01, 0.1),
])
def test_cyclic_lr_errors_like_torch(case):
    _both_sched(case, momentum=0.9)

def test_cyclic_lr_needs_momentum():
    _both_sched(lambda m, o: m.CyclicLR(o, 0.01, 0.1), name='Adagrad')
    t, g, *_ = sequences(lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=3, cycle_momentum=False), steps=10, opt='Adagrad')
    assert t == g
