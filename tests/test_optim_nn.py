"""The seeds' training step and checkpointing with nn (runs once the nn notebooks are merged; skipped before)."""
import io
import numpy as np
import pytest
import torch
import tinygrad_edu as tg

nn = pytest.importorskip('tinygrad_edu.nn')
pytestmark = pytest.mark.skipif(not all(hasattr(nn, n) for n in ('Linear', 'Conv2d', 'MaxPool2d', 'CrossEntropyLoss', 'Parameter')),
                                reason='tinygrad_edu.nn layers not built yet (nn branch)')

def lenet(m):
    "Seed 004's Net (LeNet for 32x32x3 inputs), written once for both libraries."
    F = m.nn.functional
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1, self.pool, self.conv2 = m.nn.Conv2d(3, 6, 5), m.nn.MaxPool2d(2, 2), m.nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2, self.fc3 = m.nn.Linear(16 * 5 * 5, 120), m.nn.Linear(120, 84), m.nn.Linear(84, 10)
        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.view(-1, 16 * 5 * 5)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)
    return Net()

if hasattr(nn, 'Module') and hasattr(nn, 'Linear'):
    class TinyNet(nn.Module):              # at module level, so pickle can find the class (as in PyTorch)
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 2)
        def forward(self, x): return self.fc(x)

def copy_weights(tnet, gnet):
    sd = {k: tg.tensor(v.detach().numpy()) for k, v in tnet.state_dict().items()}
    gnet.load_state_dict(sd)

@pytest.mark.parametrize('make_opt', [
    lambda m, ps: m.optim.SGD(ps, lr=0.01, momentum=0.9),                        # seed 004
    lambda m, ps: m.optim.SGD(ps, lr=0.01),                                      # seed 000
    lambda m, ps: m.optim.Adam(ps, lr=1e-3),
    lambda m, ps: m.optim.AdamW(ps, lr=1e-3, weight_decay=0.05)])
def test_seed_training_loop_matches_torch(make_opt):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((8, 3, 32, 32)).astype(np.float32), rng.integers(0, 10, 8)
    torch.manual_seed(0)
    tnet, gnet = lenet(torch), lenet(tg)
    copy_weights(tnet, gnet)
    topt, gopt = make_opt(torch, tnet.parameters()), make_opt(tg, gnet.parameters())
    for m, net, opt in ((torch, tnet, topt), (tg, gnet, gopt)):
        criterion = m.nn.CrossEntropyLoss()
        for _ in range(5):
            opt.zero_grad()
            loss = criterion(net(m.tensor(X)), m.tensor(y))
            loss.backward()
            opt.step()
    for (k, tv), (k2, gv) in zip(tnet.state_dict().items(), gnet.state_dict().items()):
        assert k == k2
        np.testing.assert_allclose(gv.array, tv.detach().numpy(), rtol=1e-4, atol=1e-5)

def test_per_layer_lr_groups():
    net = lenet(tg)
    opt = tg.optim.SGD([{'params': net.conv1.parameters(), 'lr': 1e-4},
                        {'params': [p for n, p in net.named_parameters() if not n.startswith('conv1')]}], lr=1e-2, momentum=0.9)
    assert [len(g['params']) for g in opt.param_groups] == [2, 8]
    tg.optim.lr_scheduler.OneCycleLR(opt, max_lr=[1e-3, 1e-1], total_steps=10)
    assert [g['max_lr'] for g in opt.param_groups] == [1e-3, 1e-1]

def test_seed_save_load_state_dict_and_whole_model(tmp_path):
    "Seed 002 §3 and seed 003: torch.save(model.state_dict(), PATH); model.load_state_dict(torch.load(PATH))."
    net = lenet(tg)
    PATH = tmp_path / 'params.pt'
    tg.save(net.state_dict(), PATH)
    net2 = lenet(tg)
    net2.load_state_dict(tg.load(PATH))
    net2.eval()
    for (k, a), (k2, b) in zip(net.state_dict().items(), net2.state_dict().items()):
        assert k == k2 and np.array_equal(a.array, b.array)
    tiny = TinyNet()
    tg.save(tiny, PATH)                                 # the whole model: pickled, so weights_only=False is needed
    with pytest.raises(Exception, match='weights_only'):
        tg.load(PATH)
    tiny2 = tg.load(PATH, weights_only=False)
    assert type(tiny2) is TinyNet and isinstance(tiny2.fc.weight, nn.Parameter)
    assert np.array_equal(tiny2.fc.weight.array, tiny.fc.weight.array)
    with pytest.raises(TypeError, match="can't save an object of type"):
        tg.save(lenet(tg), tmp_path / 'local.pt')      # a class defined inside a function can't be pickled (nor in torch)

def test_checkpoint_resume(tmp_path):
    "model + optimizer + scheduler + epoch in one file; resuming gives the uninterrupted run's weights."
    rng = np.random.default_rng(1)
    X, y = tg.tensor(rng.standard_normal((4, 3, 32, 32)).astype(np.float32)), tg.tensor(rng.integers(0, 10, 4))
    def run(net, opt, sched, steps):
        for _ in range(steps):
            opt.zero_grad(); tg.nn.functional.cross_entropy(net(X), y).backward(); opt.step(); sched.step()
    tg.manual_seed(0); a = lenet(tg)
    b = lenet(tg); b.load_state_dict(a.state_dict())
    oa = tg.optim.SGD(a.parameters(), lr=0.05, momentum=0.9); sa = tg.optim.lr_scheduler.CosineAnnealingLR(oa, T_max=6)
    run(a, oa, sa, 6)
    ob = tg.optim.SGD(b.parameters(), lr=0.05, momentum=0.9); sb = tg.optim.lr_scheduler.CosineAnnealingLR(ob, T_max=6)
    run(b, ob, sb, 3)
    tg.save({'model': b.state_dict(), 'optimizer': ob.state_dict(), 'scheduler': sb.state_dict(), 'epoch': 3}, tmp_path / 'ck.pt')
    ck = tg.load(tmp_path / 'ck.pt')
    c = lenet(tg); c.load_state_dict(ck['model'])
    oc = tg.optim.SGD(c.parameters(), lr=0.05, momentum=0.9); sc = tg.optim.lr_scheduler.CosineAnnealingLR(oc, T_max=6)
    oc.load_state_dict(ck['optimizer']); sc.load_state_dict(ck['scheduler'])
    run(c, oc, sc, 3)
    for (k, u), (_, v) in zip(a.state_dict().items(), c.state_dict().items()):
        np.testing.assert_array_equal(u.array, v.array)
