"""Learning-rate schedulers (notebook 06c) against torch.optim.lr_scheduler: the same sequences, state, errors."""
import io, warnings
import numpy as np
import pytest
import torch
import tinygrad_edu as tg
from tinygrad_edu.optim import lr_scheduler as tgs

def opt_pair(name='SGD', lrs=(0.1, 0.03), **kw):
    "The same optimizer with two param groups (different lrs) in torch and in tinygrad_edu."
    t = getattr(torch.optim, name)([{'params': [torch.zeros(1, requires_grad=True)], 'lr': lr} for lr in lrs], **kw)
    g = getattr(tg.optim, name)([{'params': [tg.zeros(1, requires_grad=True)], 'lr': lr} for lr in lrs], **kw)
    return t, g

def sequences(make, steps=100, opt='SGD', metric=None, **okw):
    t_opt, g_opt = opt_pair(opt, **okw)
    ts, gs = make(torch.optim.lr_scheduler, t_opt), make(tgs, g_opt)
    keys = [k for k in ('momentum', 'betas') if k in t_opt.param_groups[0]]
    out = {'t': [], 'g': []}
    for i in range(steps):
        for o, s, rec in ((t_opt, ts, out['t']), (g_opt, gs, out['g'])):
            rec.append([list(s.get_last_lr())] + [[grp[k] for grp in o.param_groups] for k in keys]
                       + [[grp['lr'] for grp in o.param_groups]])
            o.step()
            if metric is None: s.step()
            else: s.step(metric(i))
    return out['t'], out['g'], ts, gs

def flat(x):
    if isinstance(x, (list, tuple)):
        for v in x: yield from flat(v)
    else: yield x

def assert_same(t, g, rel=1e-12):
    ft, fg = list(flat(t)), list(flat(g))
    assert len(ft) == len(fg)
    np.testing.assert_allclose(np.array(fg, dtype=float), np.array(ft, dtype=float), rtol=rel, atol=0)

CASES = {
    'StepLR': lambda m, o: m.StepLR(o, step_size=7, gamma=0.5),
    'StepLR_default_gamma': lambda m, o: m.StepLR(o, 30),
    'MultiStepLR': lambda m, o: m.MultiStepLR(o, milestones=[10, 30, 30, 60], gamma=0.3),
    'ExponentialLR': lambda m, o: m.ExponentialLR(o, gamma=0.97),
    'LambdaLR': lambda m, o: m.LambdaLR(o, lambda e: 0.95 ** e + 0.01 * (e % 3)),
    'LambdaLR_list': lambda m, o: m.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.9 ** e]),
    'MultiplicativeLR': lambda m, o: m.MultiplicativeLR(o, lambda e: 0.98),
    'ConstantLR': lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=8),
    'LinearLR': lambda m, o: m.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=20),
    'LinearLR_decay': lambda m, o: m.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=37),
    'PolynomialLR': lambda m, o: m.PolynomialLR(o, total_iters=60, power=2.0),
    'CosineAnnealingLR': lambda m, o: m.CosineAnnealingLR(o, T_max=100),
    'CosineAnnealingLR_restarts': lambda m, o: m.CosineAnnealingLR(o, T_max=17, eta_min=0.001),
    'OneCycleLR_cos': lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=100),
    'OneCycleLR_linear': lambda m, o: m.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=100, anneal_strategy='linear'),
    'OneCycleLR_three_phase': lambda m, o: m.OneCycleLR(o, max_lr=0.4, epochs=10, steps_per_epoch=10, three_phase=True,
                                                        pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
    'OneCycleLR_no_momentum': lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=100, cycle_momentum=False),
    'OneCycleLR_momenta': lambda m, o: m.OneCycleLR(o, max_lr=0.5, total_steps=100, base_momentum=[0.8, 0.7], max_momentum=0.99),
    'CosineAnnealingWarmRestarts': lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=0.001),
    'CosineAnnealingWarmRestarts_1': lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=7),
    'CyclicLR_triangular2': lambda m, o: m.CyclicLR(o, 0.01, [0.2, 0.1], step_size_up=7, step_size_down=3, mode='triangular2'),
    'CyclicLR_exp_range': lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=6, mode='exp_range', gamma=0.99, max_momentum=0.95),
    'ChainedScheduler': lambda m, o: m.ChainedScheduler([m.ConstantLR(o, 0.5, total_iters=20), m.ExponentialLR(o, 0.97)]),
    'SequentialLR': lambda m, o: m.SequentialLR(o, [m.LinearLR(o, 0.1, total_iters=10), m.CosineAnnealingLR(o, T_max=90)], [10]),
    'SequentialLR_3': lambda m, o: m.SequentialLR(o, [m.ConstantLR(o, 0.5, total_iters=5), m.ExponentialLR(o, 0.9),
                                                      m.StepLR(o, 10)], [20, 50]),
}

@pytest.mark.parametrize('name', list(CASES))
@pytest.mark.parametrize('opt', ['SGD', 'Adam'])
def test_sequence_matches_torch(name, opt):
    okw = dict(momentum=0.9) if opt == 'SGD' else {}
    t, g, ts, gs = sequences(CASES[name], opt=opt, **okw)
    assert_same(t, g)
    assert sorted(gs.state_dict()) == sorted(ts.state_dict())

def test_reduce_lr_on_plateau():
    losses = [1.0, 0.9, 0.9, 0.95, 0.9, 0.91, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49999, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4] * 3
    for kw in [dict(patience=2), dict(patience=1, cooldown=2, factor=0.5, min_lr=[0.01, 0.001]),
               dict(mode='max', patience=0, threshold_mode='abs', threshold=0.1), dict(patience=0, eps=0.05)]:
        make = lambda m, o: m.ReduceLROnPlateau(o, **kw)
        t, g, ts, gs = sequences(make, steps=len(losses), metric=lambda i: losses[i])
        assert_same(t, g)
        assert sorted(gs.state_dict()) == sorted(ts.state_dict())

@pytest.mark.parametrize('name', ['StepLR', 'MultiStepLR', 'ExponentialLR', 'CosineAnnealingLR', 'LinearLR', 'PolynomialLR', 'ConstantLR'])
def test_closed_form_with_epoch_argument(name):
    t_opt, g_opt = opt_pair()
    ts, gs = CASES[name](torch.optim.lr_scheduler, t_opt), CASES[name](tgs, g_opt)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for e in [3, 10, 7, 55, 20]:
            t_opt.step(); g_opt.step()
            ts.step(e); gs.step(e)
            assert_same(ts.get_last_lr(), gs.get_last_lr())
    with pytest.warns(UserWarning, match="The epoch parameter"): gs.step(4)

@pytest.mark.parametrize('name', ['StepLR', 'CosineAnnealingLR', 'OneCycleLR_cos', 'SequentialLR', 'LambdaLR'])
def test_resume_from_state_dict(name):
    "40 steps, save optimizer + scheduler state, rebuild both, 40 more == 80 straight steps (and torch's values)."
    t, g, *_ = sequences(CASES[name], steps=80, momentum=0.9)
    _, opt = opt_pair(momentum=0.9)
    s = CASES[name](tgs, opt)
    for _ in range(40): opt.step(); s.step()
    buf = io.BytesIO()
    sd = s.state_dict()
    tg.save({'opt': opt.state_dict(), 'sched': {k: v for k, v in sd.items() if k != 'lr_lambdas'}}, buf)
    buf.seek(0); ck = tg.load(buf)
    _, opt2 = opt_pair(momentum=0.9)
    s2 = CASES[name](tgs, opt2)
    opt2.load_state_dict(ck['opt'])
    if name == 'LambdaLR': ck['sched']['lr_lambdas'] = sd['lr_lambdas']
    s2.load_state_dict(ck['sched'])
    rest = []
    for _ in range(40):
        rest.append(list(s2.get_last_lr()))
        opt2.step(); s2.step()
    assert_same([r[0] for r in g[40:]], rest)

def test_initial_lr_and_base_lrs():
    _, o = opt_pair()
    s = tgs.StepLR(o, 5)
    assert [grp['initial_lr'] for grp in o.param_groups] == [0.1, 0.03] and s.base_lrs == [0.1, 0.03]
    with pytest.raises(KeyError, match="initial_lr"):
        tgs.StepLR(opt_pair()[1], 5, last_epoch=3)

def test_warnings_like_torch():
    for m, o in ((torch.optim.lr_scheduler, opt_pair()[0]), (tgs, opt_pair()[1])):
        s = m.StepLR(o, 5)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"): s.step()
        with pytest.warns(UserWarning, match="get_last_lr"): s.get_lr()

def _both(fn):
    errs = []
    for m, o in ((torch.optim.lr_scheduler, opt_pair('SGD')[0]), (tgs, opt_pair('SGD')[1])):
        with pytest.raises(Exception) as e: fn(m, o)
        errs.append(e.value)
    assert type(errs[0]) is type(errs[1]) and str(errs[0]) == str(errs[1]), errs

@pytest.mark.parametrize('case', [
    lambda m, o: m.StepLR(object(), 3),
    lambda m, o: m.LambdaLR(o, [lambda e: 1.0]),
    lambda m, o: m.MultiplicativeLR(o, 0.5),
    lambda m, o: m.ConstantLR(o, factor=1.5),
    lambda m, o: m.LinearLR(o, start_factor=0),
    lambda m, o: m.LinearLR(o, end_factor=2.0),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=0),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, epochs=0, steps_per_epoch=3),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, epochs=2, steps_per_epoch=-3),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1),
    lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy='exp'),
    lambda m, o: m.OneCycleLR(o, max_lr=[0.1], total_steps=10),
    lambda m, o: [s.step() for s in [m.OneCycleLR(o, max_lr=0.1, total_steps=3)] for _ in range(5)],
    lambda m, o: m.SequentialLR(o, [], []),
    lambda m, o: m.SequentialLR(o, [m.StepLR(o, 2)], [3]),
    lambda m, o: m.ReduceLROnPlateau(o, factor=1.0),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=0),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=0),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=5, eta_min='0'),
    lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=5).step(-1),
    lambda m, o: m.ChainedScheduler([]),
    lambda m, o: m.ChainedScheduler([m.StepLR(o, 2), m.ReduceLROnPlateau(o)]),
    lambda m, o: m.ReduceLROnPlateau(o, mode='avg'),
    lambda m, o: m.ReduceLROnPlateau(o, threshold_mode='x'),
    lambda m, o: m.ReduceLROnPlateau(o, min_lr=[0.1]),
])
def test_errors_like_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        _both(case)

def test_one_cycle_without_momentum_option():
    class Plain(tg.optim.Optimizer):
        def __init__(self, params, lr=0.1): super().__init__(params, dict(lr=lr))
        def step(self, closure=None): pass
    o = Plain([tg.zeros(1, requires_grad=True)])
    with pytest.raises(ValueError, match="optimizer must support momentum or beta1"):
        tgs.OneCycleLR(o, max_lr=0.1, total_steps=10)
    tgs.OneCycleLR(o, max_lr=0.1, total_steps=10, cycle_momentum=False)

def test_warm_restarts_fractional_epochs():
    t_opt, g_opt = opt_pair()
    ts = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(t_opt, T_0=10, T_mult=2)
    gs = tgs.CosineAnnealingWarmRestarts(g_opt, T_0=10, T_mult=2)
    for e in [0.5, 1.25, 9.99, 10.0, 17.3, 31.0, 75.5, 3.0]:
        ts.step(e); gs.step(e)
        assert_same(ts.get_last_lr(), gs.get_last_lr())
        assert gs.T_i == ts.T_i and gs.last_epoch == ts.last_epoch

@pytest.mark.parametrize('name', [n for n in CASES if not n.startswith(('LambdaLR', 'MultiplicativeLR'))] + ['Plateau'])
def test_scheduler_state_dict_saves_without_pickle(name):
    "Every scheduler's state_dict is plain data: tg.save/tg.load (weights_only) round-trips it."
    _, o = opt_pair(momentum=0.9)
    s = tgs.ReduceLROnPlateau(o) if name == 'Plateau' else CASES[name](tgs, o)
    for _ in range(5): o.step(); s.step(1.0) if name == 'Plateau' else s.step()
    sd = s.state_dict()
    b = io.BytesIO(); tg.save(sd, b); b.seek(0)
    back = tg.load(b)
    assert back == sd and [type(v) for v in back.values()] == [type(v) for v in sd.values()]
