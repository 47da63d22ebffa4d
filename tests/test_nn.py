"""tinygrad_edu.nn against torch.nn: printouts, state_dict keys, default initialisation (bit for bit after the same
seed), forward values and gradients with copied weights, BatchNorm/Dropout modes, load_state_dict errors, hooks."""
import contextlib, math
from collections import OrderedDict

import numpy as np
import pytest
import torch

import tinygrad_edu as T
import tinygrad_edu.nn as tnn
import tinygrad_edu.nn.functional as TF


def seed_both(s=0):
    torch.manual_seed(s); T.manual_seed(s)


def arr(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else t.detach().numpy()


# ---------------------------------------------------------------- the seeds' networks, written once for both libraries
def make_net(nn, F):
    "Seed 000 §3.1."
    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 6, 3)
            self.conv2 = nn.Conv2d(6, 16, 3)
            self.fc1 = nn.Linear(16 * 6 * 6, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, 16 * 6 * 6)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)
    return Net()


def make_lenet(nn, F):
    "Seed 004's CIFAR-10 Net (conv 3->6 5x5, pool, conv 6->16 5x5, fc 400->120->84->10)."
    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.view(-1, 16 * 5 * 5)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)
    return LeNet()


def make_seqcnn(nn, F):
    "Seed 002 §9 (Sequential blocks on 28x28 input)."
    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Sequential(nn.Conv2d(3, 32, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2))
            self.conv2 = nn.Sequential(nn.Conv2d(32, 64, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2))
            self.conv3 = nn.Sequential(nn.Conv2d(64, 64, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2))
            self.dense = nn.Sequential(nn.Linear(64 * 3 * 3, 128), nn.ReLU(), nn.Linear(128, 10))

        def forward(self, x):
            conv3_out = self.conv3(self.conv2(self.conv1(x)))
            res = conv3_out.view(conv3_out.size(0), -1)
            return self.dense(res)
    return Net()


def make_bn_net(nn, F):
    "Everything else a CNN uses: BatchNorm, Dropout, Flatten, adaptive pooling, Sequential from an OrderedDict."
    return nn.Sequential(OrderedDict([
        ('conv', nn.Conv2d(3, 8, 3, padding=1, bias=False)), ('bn', nn.BatchNorm2d(8)), ('act', nn.ReLU(inplace=True)),
        ('conv2', nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2)), ('gn', nn.GroupNorm(2, 8)), ('gelu', nn.GELU()),
        ('pool', nn.AdaptiveAvgPool2d(1)), ('flat', nn.Flatten()), ('drop', nn.Dropout(0.25)),
        ('ln', nn.LayerNorm(8)), ('fc', nn.Linear(8, 5)), ('bn1', nn.BatchNorm1d(5)), ('tanh', nn.Tanh())]))


NETS = {'net': (make_net, (2, 1, 32, 32)), 'lenet': (make_lenet, (2, 3, 32, 32)), 'seqcnn': (make_seqcnn, (2, 3, 28, 28)),
        'bn_net': (make_bn_net, (4, 3, 8, 8))}


def both_models(name, seed=0):
    make, shape = NETS[name]
    torch.manual_seed(seed); theirs = make(torch.nn, torch.nn.functional)
    T.manual_seed(seed); ours = make(tnn, TF)
    return ours, theirs, shape


@pytest.mark.parametrize('name', list(NETS))
def test_repr_state_dict_and_default_init(name):
    ours, theirs, _ = both_models(name)
    assert repr(ours) == repr(theirs)
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert list(sd) == list(tsd)
    assert [k for k, _ in ours.named_parameters()] == [k for k, _ in theirs.named_parameters()]
    assert [k for k, _ in ours.named_buffers()] == [k for k, _ in theirs.named_buffers()]
    assert [k for k, _ in ours.named_modules()] == [k for k, _ in theirs.named_modules()]
    for k in tsd:
        assert tuple(sd[k].shape) == tuple(tsd[k].shape), k
        assert str(sd[k].dtype) == str(tsd[k].dtype), k
        np.testing.assert_array_equal(sd[k].numpy(), tsd[k].numpy(), err_msg=k)   # same seed, same weights


def copy_weights(ours, theirs):
    ours.load_state_dict({k: T.from_numpy(v.numpy().copy()) for k, v in theirs.state_dict().items()})


@pytest.mark.parametrize('name', list(NETS))
@pytest.mark.parametrize('mode', ['train', 'eval'])
def test_forward_and_gradients_match(name, mode):
    ours, theirs, shape = both_models(name, seed=3)
    copy_weights(ours, theirs)
    getattr(ours, mode)(); getattr(theirs, mode)()
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    seed_both(7)
    y, ty = ours(T.from_numpy(x)), theirs(torch.from_numpy(x))
    np.testing.assert_allclose(arr(y), arr(ty), rtol=1e-4, atol=1e-5)
    target = np.arange(shape[0]) % y.shape[1]
    T.nn.CrossEntropyLoss()(y, T.tensor(target)).backward()
    torch.nn.CrossEntropyLoss()(ty, torch.tensor(target)).backward()
    tp = dict(theirs.named_parameters())
    for k, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tp[k].grad.numpy(), rtol=2e-4, atol=2e-5, err_msg=k)
    for (k, b), tb in zip(ours.named_buffers(), theirs.buffers()):
        np.testing.assert_allclose(b.numpy(), tb.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


# ---------------------------------------------------------------- printouts of single layers and containers
LAYERS = [
    ('Linear', (3, 4), {}), ('Linear', (3, 4), dict(bias=False)), ('Conv2d', (3, 6, 5), {}),
    ('Conv2d', (3, 6, (3, 5)), dict(stride=2, padding=(1, 2), dilation=2, groups=3, bias=False, padding_mode='reflect')),
    ('Conv2d', (4, 4, 3), dict(padding='same')), ('Conv1d', (2, 4, 3), dict(padding=1)), ('MaxPool2d', (2, 2), {}),
    ('MaxPool2d', ((3, 2),), dict(stride=1, padding=1, ceil_mode=True)), ('MaxPool1d', (3,), {}), ('AvgPool2d', (2,), {}),
    ('AvgPool1d', (3,), dict(stride=2)), ('AdaptiveAvgPool2d', ((1, 1),), {}), ('AdaptiveAvgPool2d', (1,), {}),
    ('AdaptiveMaxPool2d', (2,), {}), ('BatchNorm2d', (16,), {}), ('BatchNorm1d', (4,), dict(momentum=None, affine=False)),
    ('BatchNorm2d', (3,), dict(track_running_stats=False, eps=1e-3)), ('LayerNorm', (5,), {}), ('LayerNorm', ([2, 3],), dict(elementwise_affine=False)),
    ('GroupNorm', (2, 4), {}), ('Dropout', (), {}), ('Dropout', (0.2, True), {}), ('Dropout2d', (0.1,), {}),
    ('ReLU', (), {}), ('ReLU', (True,), {}), ('LeakyReLU', (), {}), ('LeakyReLU', (0.2, True), {}), ('ELU', (), {}),
    ('SELU', (), {}), ('GELU', (), {}), ('GELU', ('tanh',), {}), ('SiLU', (), {}), ('Sigmoid', (), {}), ('Tanh', (), {}),
    ('Softmax', (), dict(dim=1)), ('LogSoftmax', (1,), {}), ('Softmin', (0,), {}), ('Softplus', (), {}), ('Hardtanh', (), {}),
    ('ReLU6', (), {}), ('ReLU6', (True,), {}), ('Mish', (), {}), ('Hardswish', (), {}), ('LogSigmoid', (), {}),
    ('Flatten', (), {}), ('Flatten', (0, 2), {}), ('Unflatten', (1, (2, 5)), {}), ('Identity', (54,), dict(unused=1)),
    ('Embedding', (10, 3), {}), ('Embedding', (10, 3), dict(padding_idx=-1, max_norm=1.0)),
    ('Bilinear', (2, 3, 4), {}), ('Bilinear', (2, 3, 4), dict(bias=False)), ('PReLU', (), {}), ('PReLU', (3, 0.1), {}),
    ('Threshold', (0.1, 20.), {}), ('Softmax2d', (), {}), ('ZeroPad2d', (1,), {}), ('ZeroPad2d', ((1, 0, 2, 3),), {}),
    ('ConstantPad1d', (2, 3.5), {}), ('ConstantPad2d', ((1, 2, 0, 1), -1.), {}), ('ReflectionPad1d', (2,), {}),
    ('ReflectionPad2d', (1,), {}), ('ReplicationPad2d', ((1, 2, 3, 0),), {}), ('ReplicationPad1d', (1,), {}),
    ('CircularPad2d', (1,), {}), ('CosineSimilarity', (), {}), ('PairwiseDistance', (), {}),
    ('BatchNorm3d', (4,), {}), ('InstanceNorm2d', (3,), {}), ('InstanceNorm1d', (3,), dict(affine=True, track_running_stats=True)),
    ('CrossEntropyLoss', (), {}), ('NLLLoss', (), {}), ('MSELoss', (), {}), ('L1Loss', (), {}), ('BCELoss', (), {}),
    ('BCEWithLogitsLoss', (), {}), ('SmoothL1Loss', (), {}), ('HuberLoss', (), {}), ('KLDivLoss', (), {})]


@pytest.mark.parametrize('name,args,kw', LAYERS, ids=[f'{n}{i}' for i, (n, _, _) in enumerate(LAYERS)])
def test_layer_repr_params_and_init(name, args, kw):
    seed_both(1)
    theirs = getattr(torch.nn, name)(*args, **kw)
    ours = getattr(tnn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert list(sd) == list(tsd)
    for k in tsd: np.testing.assert_array_equal(sd[k].numpy(), tsd[k].numpy(), err_msg=k)


def test_containers_repr_and_indexing():
    for nn in (torch.nn, tnn):
        seed_both(0)
    def build(nn):
        torch.manual_seed(0); T.manual_seed(0)
        seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
        ml = nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.ReLU(), nn.Tanh(), nn.Linear(1, 1)])
        md = nn.ModuleDict({'a': nn.ReLU(), 'b': nn.Sequential(nn.Tanh())})
        pl = nn.ParameterList([nn.Parameter(torch.ones(2, 3) if nn is torch.nn else T.ones(2, 3))])
        pd = nn.ParameterDict({'w': nn.Parameter(torch.ones(4) if nn is torch.nn else T.ones(4))})
        class Holder(nn.Module):
            def __init__(self):
                super().__init__()
                self.seq, self.ml, self.md, self.pl, self.pd = seq, ml, md, pl, pd
        return Holder(), seq, ml
    (h, seq, ml), (th, tseq, tml) = build(tnn), build(torch.nn)
    assert repr(h) == repr(th)
    assert list(h.state_dict()) == list(th.state_dict())
    assert repr(seq[1:]) == repr(tseq[1:]) and repr(seq[-1]) == repr(tseq[-1])
    assert repr(ml[1:3]) == repr(tml[1:3])
    del seq[0]; del tseq[0]
    assert repr(seq) == repr(tseq)
    seq.append(tnn.Sigmoid()); tseq.append(torch.nn.Sigmoid())
    ml.insert(1, tnn.Sigmoid()); tml.insert(1, torch.nn.Sigmoid())
    assert repr(seq) == repr(tseq) and repr(ml) == repr(tml)
    with pytest.raises(IndexError, match='index 9 is out of range'): seq[9]


def test_parameter():
    p, tp = tnn.Parameter(T.tensor([1., 2.])), torch.nn.Parameter(torch.tensor([1., 2.]))
    assert repr(p) == repr(tp)
    assert p.requires_grad and isinstance(p, T.Tensor)
    assert repr(tnn.Parameter(T.ones(2), requires_grad=False)) == repr(torch.nn.Parameter(torch.ones(2), requires_grad=False))


# ---------------------------------------------------------------- state_dict / load_state_dict
def test_state_dict_is_detached_and_load_copies_in_place():
    ours, theirs, _ = both_models('lenet')
    sd = ours.state_dict()
    assert type(sd) is OrderedDict and not sd['fc1.weight'].requires_grad
    assert ours.state_dict(keep_vars=True)['fc1.weight'] is ours.fc1.weight
    w = ours.fc1.weight
    r = ours.load_state_dict({k: T.zeros_like(v) for k, v in sd.items()})
    assert ours.fc1.weight is w and float(w.abs().sum()) == 0.0
    assert repr(r) == repr(theirs.load_state_dict(theirs.state_dict())) == '<All keys matched successfully>'


def error_of(f):
    with pytest.raises(Exception) as e: f()
    return type(e.value), str(e.value)


def test_load_state_dict_errors_match_torch():
    ours, theirs, _ = both_models('net')
    tsd = theirs.state_dict()
    sd = {k: T.from_numpy(v.numpy().copy()) for k, v in tsd.items()}
    for d in (sd, tsd):
        del d['fc2.bias']; d['fc9.weight'] = d['fc1.weight']; d['extra'] = d['fc1.bias']
    assert error_of(lambda: ours.load_state_dict(sd)) == error_of(lambda: theirs.load_state_dict(tsd))
    r, tr = ours.load_state_dict(sd, strict=False), theirs.load_state_dict(tsd, strict=False)
    assert (r.missing_keys, r.unexpected_keys) == (tr.missing_keys, tr.unexpected_keys)
    assert repr(r) == repr(tr)
    sd['fc3.weight'], tsd['fc3.weight'] = T.zeros(3, 3), torch.zeros(3, 3)
    assert error_of(lambda: ours.load_state_dict(sd, strict=False)) == error_of(lambda: theirs.load_state_dict(tsd, strict=False))


def test_buffers_persistent_and_register_errors():
    def build(nn, tensor):
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.register_buffer('a', tensor([1., 2.]))
                self.register_buffer('tmp', tensor([0.]), persistent=False)
                self.lin = nn.Linear(2, 2)
                self.register_buffer('none', None)
                self.register_parameter('p', None)
        return M()
    m, tm = build(tnn, T.tensor), build(torch.nn, torch.tensor)
    assert list(m.state_dict()) == list(tm.state_dict()) == ['a', 'lin.weight', 'lin.bias']
    assert [k for k, _ in m.named_buffers()] == [k for k, _ in tm.named_buffers()]
    for f in (lambda m, t: m.register_buffer('lin', t.ones(1)), lambda m, t: m.register_buffer('a.b', t.ones(1)),
              lambda m, t: m.register_buffer('x', [1]), lambda m, t: m.register_parameter('q', t.ones(1)),
              lambda m, t: setattr(m, 'lin', t.ones(1)), lambda m, t: m.nothing, lambda m, t: setattr(m, 'p', t.ones(1))):
        assert error_of(lambda: f(m, T)) == error_of(lambda: f(tm, torch))
    m.a = T.ones(2); tm.a = torch.ones(2)
    assert list(m._buffers) == list(tm._buffers)
    del m.a; del tm.a
    assert list(m.state_dict()) == list(tm.state_dict())


def test_seed_001_register_buffer_and_identity():
    class ModuleWithCustomValues(tnn.Module):
        def __init__(self, weights, alpha):
            super().__init__()
            self.register_buffer("weights", T.tensor(weights))
            self.register_buffer("alpha", T.tensor(alpha))
        def forward(self, x):
            return x * self.weights + self.alpha
    m = ModuleWithCustomValues(weights=[1.0, 2.0], alpha=1e-4)
    assert repr(m(T.tensor([1.23, 4.56]))) == 'tensor([1.2301, 9.1201])'
    net = make_lenet(tnn, TF)
    net.fc3 = tnn.Identity()
    assert net(T.rand((1, 3, 32, 32))).shape == T.Size([1, 84])


def test_seed_003_buffer_and_eval():
    class net(tnn.Module):
        def __init__(self):
            super(net, self).__init__()
            self.register_buffer("a", T.ones(2, 3))
        def forward(self, x):
            return x + self.a
    n = net()
    assert list(n.parameters()) == [] and list(n.state_dict()) == ['a'] and not n.a.requires_grad
    assert n(T.zeros(2, 3)).tolist() == [[1.] * 3] * 2
    model = make_bn_net(tnn, TF)
    model.eval()
    assert all(not m.training for m in model.modules())
    x = T.randn(2, 3, 8, 8)
    np.testing.assert_array_equal(model(x).detach().numpy(), model(x).detach().numpy())   # eval: deterministic


# ---------------------------------------------------------------- modes and layers against torch
@pytest.mark.parametrize('momentum', [0.1, None])
@pytest.mark.parametrize('cls,shape', [('BatchNorm2d', (4, 3, 5, 5)), ('BatchNorm1d', (6, 3)), ('BatchNorm1d', (4, 3, 7))])
def test_batchnorm_running_stats(cls, shape, momentum):
    ours, theirs = getattr(tnn, cls)(3, momentum=momentum), getattr(torch.nn, cls)(3, momentum=momentum)
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = (rng.standard_normal(shape) * 2 + 1).astype(np.float32)
        np.testing.assert_allclose(arr(ours(T.from_numpy(x))), arr(theirs(torch.from_numpy(x))), rtol=1e-4, atol=1e-5)
    for k, v in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)
    ours.eval(); theirs.eval()
    np.testing.assert_allclose(arr(ours(T.from_numpy(x))), arr(theirs(torch.from_numpy(x))), rtol=1e-4, atol=1e-5)
    assert int(ours.num_batches_tracked) == 3


def test_batchnorm_without_running_stats():
    ours, theirs = tnn.BatchNorm2d(3, track_running_stats=False), torch.nn.BatchNorm2d(3, track_running_stats=False)
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    ours.eval(); theirs.eval()
    np.testing.assert_allclose(arr(ours(T.from_numpy(x))), arr(theirs(torch.from_numpy(x))), rtol=1e-4, atol=1e-5)
    assert ours.running_mean is None and list(ours.state_dict()) == list(theirs.state_dict())


@pytest.mark.parametrize('cls', ['Dropout', 'Dropout2d'])
def test_dropout_train_eval(cls):
    ours, theirs = getattr(tnn, cls)(0.3), getattr(torch.nn, cls)(0.3)
    x = np.random.default_rng(0).standard_normal((4, 6, 3, 3)).astype(np.float32)
    seed_both(5)
    y, ty = ours(T.from_numpy(x)), theirs(torch.from_numpy(x))
    np.testing.assert_allclose(arr(y), arr(ty), rtol=1e-6)       # the same seed drops the same entries/channels
    ours.eval(); theirs.eval()
    np.testing.assert_array_equal(arr(ours(T.from_numpy(x))), x)


@pytest.mark.parametrize('name,args,kw,shape', [
    ('Conv2d', (3, 4, 3), dict(padding='same', dilation=2), (2, 3, 7, 7)),
    ('Conv2d', (4, 6, (2, 3)), dict(stride=(2, 1), padding=1, groups=2), (2, 4, 6, 7)),
    ('Conv2d', (2, 3, 3), dict(padding=2, padding_mode='replicate'), (1, 2, 5, 6)),
    ('Conv2d', (2, 3, 3), dict(padding=1, padding_mode='circular'), (1, 2, 5, 6)),
    ('Conv1d', (2, 3, 3), dict(padding=1), (2, 2, 9)),
    ('MaxPool2d', (3,), dict(stride=2, padding=1, ceil_mode=True), (2, 3, 8, 8)),
    ('MaxPool1d', (2,), {}, (2, 3, 9)), ('AvgPool1d', (3,), dict(stride=2, padding=1), (2, 3, 9)),
    ('AvgPool2d', (2,), {}, (2, 3, 6, 6)), ('AdaptiveMaxPool2d', ((2, 3),), {}, (2, 3, 7, 8)),
    ('LayerNorm', ((4, 5),), {}, (3, 4, 5)), ('Unflatten', (1, (2, 3)), {}, (4, 6)),
    ('LeakyReLU', (0.2,), {}, (3, 4)), ('ELU', (), {}, (3, 4)), ('SiLU', (), {}, (3, 4)), ('Softplus', (2.,), {}, (3, 4)),
    ('Hardtanh', (-0.5, 0.5), {}, (3, 4)), ('ReLU6', (), {}, (3, 4)), ('Softmax', (1,), {}, (3, 4)),
    ('LogSoftmax', (0,), {}, (3, 4)), ('Mish', (), {}, (3, 4)), ('Hardswish', (), {}, (3, 4)), ('LogSigmoid', (), {}, (3, 4)),
    ('PReLU', (3,), {}, (2, 3, 4)), ('PReLU', (), {}, (2, 3)), ('Threshold', (0.1, 20.), {}, (3, 4)), ('Softmax2d', (), {}, (2, 3, 2, 2)),
    ('ZeroPad2d', ((1, 0, 2, 3),), {}, (1, 2, 3, 3)), ('ReflectionPad2d', (1,), {}, (1, 2, 3, 3)),
    ('ReplicationPad1d', ((2, 1),), {}, (2, 3, 4)), ('CircularPad2d', (1,), {}, (1, 1, 3, 3))])
def test_layer_forward_backward(name, args, kw, shape):
    seed_both(2)
    ours, theirs = getattr(tnn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    x = (np.random.default_rng(1).standard_normal(shape) * 3).astype(np.float32)
    xs, txs = T.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    y, ty = ours(xs), theirs(txs)
    np.testing.assert_allclose(arr(y), arr(ty), rtol=1e-4, atol=1e-5)
    g = np.random.default_rng(2).standard_normal(ty.shape).astype(np.float32)
    y.backward(T.from_numpy(g)); ty.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), rtol=1e-4, atol=1e-5)
    tp = dict(theirs.named_parameters())
    for k, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tp[k].grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=k)


def test_embedding():
    seed_both(0)
    ours, theirs = tnn.Embedding(10, 4, padding_idx=2), torch.nn.Embedding(10, 4, padding_idx=2)
    np.testing.assert_array_equal(ours.weight.detach().numpy(), theirs.weight.detach().numpy())
    idx = np.array([[1, 2, 3], [2, 9, 1]])
    ours(T.from_numpy(idx)).sum().backward(); theirs(torch.from_numpy(idx)).sum().backward()
    np.testing.assert_array_equal(ours.weight.grad.numpy(), theirs.weight.grad.numpy())
    w = np.arange(6, dtype=np.float32).reshape(3, 2)
    e, te = tnn.Embedding.from_pretrained(T.from_numpy(w)), torch.nn.Embedding.from_pretrained(torch.from_numpy(w))
    assert repr(e) == repr(te) and e.weight.requires_grad == te.weight.requires_grad == False


@pytest.mark.parametrize('name,kw', [('CrossEntropyLoss', {}), ('CrossEntropyLoss', dict(label_smoothing=0.1, reduction='sum')),
                                     ('CrossEntropyLoss', dict(ignore_index=1)), ('NLLLoss', {}), ('MSELoss', {}),
                                     ('L1Loss', dict(reduction='none')), ('SmoothL1Loss', dict(beta=0.5)), ('HuberLoss', {}),
                                     ('BCEWithLogitsLoss', {}), ('BCELoss', {}), ('KLDivLoss', dict(reduction='batchmean'))])
def test_loss_modules(name, kw):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3)).astype(np.float32)
    if name in ('CrossEntropyLoss', 'NLLLoss'): t = np.array([0, 2, 1, 1])
    else: t = rng.uniform(size=(4, 3)).astype(np.float32)
    if name == 'BCELoss': x = 1 / (1 + np.exp(-x))
    if name in ('NLLLoss', 'KLDivLoss'): x = x - np.log(np.exp(x).sum(1, keepdims=True))
    xs, txs = T.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    ours, theirs = getattr(tnn, name)(**kw), getattr(torch.nn, name)(**kw)
    assert repr(ours) == repr(theirs)
    y, ty = ours(xs, T.from_numpy(t)), theirs(txs, torch.from_numpy(t))
    np.testing.assert_allclose(arr(y), arr(ty), rtol=1e-5, atol=1e-6)
    y.sum().backward(); ty.sum().backward()
    np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_weighted_losses_keep_weights_as_buffers():
    w = [1., 2., 3.]
    ours, theirs = tnn.CrossEntropyLoss(weight=T.tensor(w)), torch.nn.CrossEntropyLoss(weight=torch.tensor(w))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ['weight']
    pw = tnn.BCEWithLogitsLoss(pos_weight=T.tensor([2.]))
    assert list(pw.state_dict()) == list(torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.])).state_dict())


# ---------------------------------------------------------------- Module API: modes, hooks, dtype, apply, errors
def test_train_eval_zero_grad_requires_grad_apply_to():
    m = make_bn_net(tnn, TF)
    assert m.training and m.eval() is m and not m.bn.training and m.train().bn.training
    with pytest.raises(ValueError, match='training mode is expected to be boolean'): m.train(1)
    m(T.randn(2, 3, 8, 8)).sum().backward()
    assert m.fc.weight.grad is not None
    m.zero_grad(set_to_none=False)
    assert float(m.fc.weight.grad.abs().sum()) == 0
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen[-1] == 'Sequential' and seen[0] == 'Conv2d'
    w = m.fc.weight
    m.double()
    assert m.fc.weight is w and w.dtype == T.float64 and m.bn.num_batches_tracked.dtype == T.int64
    m.to(T.float32)
    assert w.dtype == T.float32
    m.to('cpu'); m.cpu(); m.half(); m.float()
    assert w.dtype == T.float32


def test_hooks():
    def run(nn, tensor):
        lin = nn.Linear(2, 2)
        log = []
        h1 = lin.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
        h2 = lin.register_forward_hook(lambda mod, args, out: log.append(tuple(out.shape)) or out + 1)
        h3 = lin.register_forward_hook(lambda mod, args, out: log.append('first'), prepend=True)
        y1 = lin(tensor([[1., 2.]]))
        h1.remove(); h2.remove(); h3.remove()
        y2 = lin(tensor([[0., 0.]]))
        return log, (y1 - lin.bias - 1).abs().sum().item(), (y2 - lin.bias).abs().sum().item()
    assert run(tnn, T.tensor) == run(torch.nn, torch.tensor)


def test_attribute_errors_and_dir():
    net, tnet = make_net(tnn, TF), make_net(torch.nn, torch.nn.functional)
    assert error_of(lambda: net.x) == error_of(lambda: tnet.x)
    assert error_of(lambda: tnn.Module()(1)) == error_of(lambda: torch.nn.Module()(1))
    assert {'conv1', 'fc3', 'forward', 'training'} <= set(dir(net))
    class NoInit(tnn.Module):
        def __init__(self): self.fc = tnn.Linear(1, 1)
    class TNoInit(torch.nn.Module):
        def __init__(self): self.fc = torch.nn.Linear(1, 1)
    assert error_of(NoInit) == error_of(TNoInit)
    del net.fc3; del tnet.fc3
    assert list(net.state_dict()) == list(tnet.state_dict())


def test_namespace():
    assert T.nn is tnn and T.nn.functional is TF and T.nn.init.kaiming_normal_ is not None
    assert T.nn.utils.rnn.pad_sequence is not None
    from tinygrad_edu.nn.utils.rnn import pad_sequence
    assert pad_sequence([T.ones(2), T.ones(1)]).shape == (2, 2)


# ---------------------------------------------------------------- nn.init, bit for bit
INITS = [('uniform_', (), dict(a=-2., b=3.)), ('normal_', (), dict(mean=1., std=0.5)), ('constant_', (0.3,), {}),
         ('ones_', (), {}), ('zeros_', (), {}), ('xavier_uniform_', (), dict(gain=2.)), ('xavier_normal_', (), {}),
         ('kaiming_uniform_', (), {}), ('kaiming_uniform_', (), dict(a=math.sqrt(5))),
         ('kaiming_normal_', (), dict(mode='fan_out', nonlinearity='relu')), ('trunc_normal_', (), dict(std=0.02)),
         ('trunc_normal_', (), dict(mean=0., std=1., a=-0.5, b=0.5))]


@pytest.mark.parametrize('shape', [(5, 7), (16, 3, 3, 3), (40, 30)])
@pytest.mark.parametrize('name,args,kw', INITS, ids=[f'{n}{i}' for i, (n, _, _) in enumerate(INITS)])
def test_init_bit_exact(name, args, kw, shape):
    seed_both(11)
    ours, theirs = getattr(tnn.init, name)(T.empty(*shape), *args, **kw), getattr(torch.nn.init, name)(torch.empty(*shape), *args, **kw)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_init_helpers():
    for nl, p in [('relu', None), ('tanh', None), ('leaky_relu', 0.2), ('selu', None), ('conv2d', None), ('leaky_relu', None)]:
        assert tnn.init.calculate_gain(nl, p) == torch.nn.init.calculate_gain(nl, p)
    assert error_of(lambda: tnn.init.kaiming_normal_(T.empty(3))) == error_of(lambda: torch.nn.init.kaiming_normal_(torch.empty(3)))
    np.testing.assert_array_equal(tnn.init.eye_(T.empty(3, 4)).numpy(), torch.nn.init.eye_(torch.empty(3, 4)).numpy())
    np.testing.assert_array_equal(tnn.init.dirac_(T.empty(4, 2, 3, 3), 2).numpy(), torch.nn.init.dirac_(torch.empty(4, 2, 3, 3), 2).numpy())
    q = tnn.init.orthogonal_(T.empty(4, 6), gain=2.).numpy()
    np.testing.assert_allclose(q @ q.T, 4 * np.eye(4), atol=1e-5)
    # seed 000 §六.4: a bias made 2-D by unsqueeze is initialised in place through the view
    p, tp = tnn.Parameter(T.zeros(5)), torch.nn.Parameter(torch.zeros(5))
    seed_both(3)
    tnn.init.kaiming_normal_(p.unsqueeze(0)); torch.nn.init.kaiming_normal_(tp.unsqueeze(0))
    np.testing.assert_array_equal(p.detach().numpy(), tp.detach().numpy())


# ---------------------------------------------------------------- functional extras, nn.utils
def test_functional_extras():
    x = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    tx, xs = torch.from_numpy(x), T.from_numpy(x)
    F_ = torch.nn.functional
    for f, kw in [('cosine_similarity', dict(x2=None, dim=0)), ('normalize', dict(p=2.0, dim=1)), ('softmin', dict(dim=1)),
                  ('logsigmoid', {}), ('softsign', {}), ('hardsigmoid', {}), ('hardswish', {}), ('mish', {}), ('relu6', {})]:
        if 'x2' in kw: kw = dict(kw, x2=None)
        if f == 'cosine_similarity':
            np.testing.assert_allclose(arr(TF.cosine_similarity(xs, xs * 2 + 1, dim=0)), arr(F_.cosine_similarity(tx, tx * 2 + 1, dim=0)), rtol=1e-5)
            continue
        np.testing.assert_allclose(arr(getattr(TF, f)(xs, **kw)), arr(getattr(F_, f)(tx, **kw)), rtol=1e-5, atol=1e-6, err_msg=f)
    assert TF.one_hot(T.tensor([0, 3])).dtype == T.int64
    assert error_of(lambda: TF.one_hot(T.tensor([-1]))) == error_of(lambda: F_.one_hot(torch.tensor([-1])))
    for mode in ('constant', 'reflect', 'replicate'):
        np.testing.assert_array_equal(arr(TF.pad(T.from_numpy(x[None]), (1, 2), mode=mode)), arr(F_.pad(tx[None], (1, 2), mode=mode)))
    np.testing.assert_allclose(arr(TF.threshold(xs, 0.1, 20.)), arr(F_.threshold(tx, 0.1, 20.)))


@pytest.mark.parametrize('norm_type', [2.0, 1.0, math.inf])
def test_clip_grad(norm_type):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s).astype(np.float32) * 3 for s in [(3, 4), (5,), (2, 2, 2)]]
    ps = [T.from_numpy(a.copy()).requires_grad_() for a in arrays]
    tps = [torch.from_numpy(a.copy()).requires_grad_() for a in arrays]
    sum((p * p).sum() for p in ps).backward(); sum((p * p).sum() for p in tps).backward()
    n, tn = tnn.utils.clip_grad_norm_(ps, 1.5, norm_type), torch.nn.utils.clip_grad_norm_(tps, 1.5, norm_type)
    np.testing.assert_allclose(n.item(), tn.item(), rtol=1e-5)
    for p, tp in zip(ps, tps): np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-7)
    tnn.utils.clip_grad_value_(ps, 0.1); torch.nn.utils.clip_grad_value_(tps, 0.1)
    for p, tp in zip(ps, tps): np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=1e-5, atol=1e-7)
    v, tv = tnn.utils.parameters_to_vector(ps), torch.nn.utils.parameters_to_vector(tps)
    np.testing.assert_array_equal(arr(v), arr(tv))


# ---------------------------------------------------------------- in-place random fills of strided tensors (nn.init's path)
@pytest.mark.parametrize('fill,args', [('uniform_', (-1., 2.)), ('normal_', (1., 2.)), ('exponential_', ()), ('random_', (0, 10)),
                                       ('bernoulli_', (0.3,))])
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_random_fill_of_strided_tensors_matches_torch(fill, args, dtype):
    "PyTorch fills a permuted/sliced tensor in memory order (and normal_ one value at a time): the same seed, the same numbers."
    views = [lambda e: e((5, 6, 4)).permute(1, 2, 0), lambda e: e((7, 5)).t(), lambda e: e((3, 20)).t(),
             lambda e: e((6, 8))[:, ::2], lambda e: e((2, 17))[1], lambda e: e(())]
    for view in views:
        seed_both(0)
        theirs = getattr(view(lambda s: torch.empty(s, dtype=getattr(torch, dtype))), fill)(*args)
        ours = getattr(view(lambda s: T.empty(s, dtype=getattr(T, dtype))), fill)(*args)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    seed_both(0)
    ours = tnn.init.kaiming_uniform_(T.empty(3, 5).t())
    theirs = torch.nn.init.kaiming_uniform_(torch.empty(3, 5).t())
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_bilinear_and_distances():
    seed_both(4)
    ours, theirs = tnn.Bilinear(3, 2, 4), torch.nn.Bilinear(3, 2, 4)
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((5, 3)).astype(np.float32), rng.standard_normal((5, 2)).astype(np.float32)
    y, ty = ours(T.from_numpy(a), T.from_numpy(b)), theirs(torch.from_numpy(a), torch.from_numpy(b))
    np.testing.assert_allclose(arr(y), arr(ty), rtol=1e-5, atol=1e-6)
    y.sum().backward(); ty.sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-5, atol=1e-6)
    for name in ('CosineSimilarity', 'PairwiseDistance'):
        o, t = getattr(tnn, name)(), getattr(torch.nn, name)()
        np.testing.assert_allclose(arr(o(T.from_numpy(a), T.from_numpy(a * 2 - 1))), arr(t(torch.from_numpy(a), torch.from_numpy(a * 2 - 1))), rtol=1e-5)


def test_deepcopy_pickle_get_parameter():
    import copy, pickle
    net = make_bn_net(tnn, TF)
    net(T.randn(2, 3, 8, 8))
    c = copy.deepcopy(net)
    assert c.fc.weight is not net.fc.weight and isinstance(c.fc.weight, tnn.Parameter) and c.fc.weight.requires_grad
    for (k, v), (_, w) in zip(net.state_dict().items(), c.state_dict().items()):
        np.testing.assert_array_equal(v.numpy(), w.numpy(), err_msg=k)
    p = pickle.loads(pickle.dumps(net))
    assert repr(p) == repr(net) and list(p.state_dict()) == list(net.state_dict())
    sd = copy.deepcopy(net.state_dict())
    assert list(sd) == list(net.state_dict())
    assert net.get_parameter('fc.weight') is net.fc.weight and net.get_buffer('bn.running_mean') is net.bn.running_mean
    tnet = make_bn_net(torch.nn, torch.nn.functional)
    for f in (lambda m: m.get_parameter('bn.running_mean'), lambda m: m.get_buffer('fc.weight'), lambda m: m.get_submodule('nope')):
        assert error_of(lambda: f(net)) == error_of(lambda: f(tnet))


def test_seed_002_content_loss():
    "Seed 002 §7: a module holding a detached target and a loss, with its own `backward` method."
    class ContentLoss(tnn.Module):
        def __init__(self, target, weight):
            super(ContentLoss, self).__init__()
            self.target = target.detach() * weight
            self.weight = weight
            self.criterion = tnn.MSELoss()
        def forward(self, input):
            self.loss = self.criterion(input * self.weight, self.target)
            self.output = input
            return self.output
        def backward(self, retain_graph=True):
            self.loss.backward(retain_graph=retain_graph)
            return self.loss
    x = T.randn(2, 3, requires_grad=True)
    cl = ContentLoss(T.ones(2, 3), 0.5)
    assert repr(cl) == 'ContentLoss(\n  (criterion): MSELoss()\n)'
    assert cl(x) is x
    cl.backward(); cl.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (2 * (x.detach().numpy() * 0.5 - 0.5) * 0.5 / 6), rtol=1e-5)


@pytest.mark.parametrize('build', [
    lambda nn: nn.Conv2d(3, 4, 3, groups=2), lambda nn: nn.Conv2d(4, 3, 3, groups=2), lambda nn: nn.Conv2d(2, 2, 3, padding='full'),
    lambda nn: nn.Conv2d(2, 2, 3, stride=2, padding='same'), lambda nn: nn.Conv2d(2, 2, 3, padding_mode='wrap'),
    lambda nn: nn.Dropout(1.5), lambda nn: nn.Dropout2d(-0.1), lambda nn: nn.GroupNorm(3, 4), lambda nn: nn.Embedding(5, 2, padding_idx=7),
    lambda nn: nn.Linear(2, 3).train('yes'), lambda nn: nn.Linear(2, 3).to(torch.int64 if nn is torch.nn else T.int64),
    lambda nn: nn.Sequential(nn.ReLU())[3], lambda nn: nn.ModuleList([nn.ReLU()])[-2], lambda nn: nn.Module().add_module('a.b', nn.ReLU()),
    lambda nn: nn.Module().add_module('x', 3), lambda nn: nn.Linear(2, 3).register_parameter('weight', None) or nn.Linear(2, 3).no,
    lambda nn: nn.init.kaiming_uniform_(torch.empty(3, 3) if nn is torch.nn else T.empty(3, 3), mode='fan_avg'),
    lambda nn: nn.init.calculate_gain('softsign'), lambda nn: nn.init.eye_(torch.empty(2, 2, 2) if nn is torch.nn else T.empty(2, 2, 2)),
    lambda nn: nn.BatchNorm2d(3)(torch.ones(2, 3) if nn is torch.nn else T.ones(2, 3)),
    lambda nn: nn.BatchNorm1d(3)(torch.ones(2, 3, 4, 5) if nn is torch.nn else T.ones(2, 3, 4, 5)),
    lambda nn: nn.Softmax2d()(torch.ones(2, 3) if nn is torch.nn else T.ones(2, 3))])
def test_errors_match_torch(build):
    import re
    def norm(e):   # messages that print a Python set: its order depends on string hashing, so compare the sorted items
        return e[0], re.sub(r"\{([^{}]*)\}", lambda m: '{' + ', '.join(sorted(m.group(1).split(', '))) + '}', e[1])
    assert norm(error_of(lambda: build(tnn))) == norm(error_of(lambda: build(torch.nn)))


@pytest.mark.skipif(not T.cuda.is_available(), reason='no CUDA GPU visible to CuPy: nn on the GPU not checked')
def test_module_to_cuda():
    ours, theirs, shape = both_models('bn_net', seed=3)
    copy_weights(ours, theirs)
    w = ours.fc.weight
    ours.to('cuda')
    assert ours.fc.weight is w and w.device.type == 'cuda' and ours.bn.running_mean.device.type == 'cuda'
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    y = ours(T.from_numpy(x).cuda())
    y.sum().backward()
    ty = theirs(torch.from_numpy(x)); ty.sum().backward()
    np.testing.assert_allclose(y.cpu().detach().numpy(), arr(ty), rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(ours.fc.weight.grad.cpu().numpy(), theirs.fc.weight.grad.numpy(), rtol=1e-3, atol=1e-4)
    assert ours.cpu().fc.weight.device.type == 'cpu'


INTERP = [((1, 2, 5, 7), dict(scale_factor=2)), ((1, 2, 5, 7), dict(size=(8, 3))), ((2, 1, 6, 6), dict(scale_factor=0.5)),
          ((1, 2, 5, 7), dict(scale_factor=1.7)), ((1, 2, 5, 7), dict(scale_factor=(1.5, 2.3), recompute_scale_factor=True)),
          ((1, 2, 5, 7), dict(size=(9, 11), mode='nearest-exact')), ((1, 2, 5, 7), dict(scale_factor=3, mode='nearest-exact')),
          ((1, 2, 5, 7), dict(scale_factor=2, mode='bilinear')), ((1, 2, 5, 7), dict(size=(4, 13), mode='bilinear', align_corners=True)),
          ((1, 2, 5, 7), dict(scale_factor=1.3, mode='bilinear')), ((1, 2, 8, 6), dict(size=(3, 4), mode='bilinear')),
          ((1, 2, 9), dict(scale_factor=2.5, mode='linear')), ((1, 2, 9), dict(size=4, mode='linear', align_corners=True)),
          ((1, 2, 9), dict(scale_factor=2)), ((1, 2, 8, 8), dict(size=(3, 5), mode='area')), ((1, 3, 7), dict(size=3, mode='area'))]


@pytest.mark.parametrize('shape,kw', INTERP)
@pytest.mark.parametrize('dtype', ['float32', 'float64'])
def test_interpolate(shape, kw, dtype):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    xs, txs = T.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    y, ty = TF.interpolate(xs, **kw), torch.nn.functional.interpolate(txs, **kw)
    assert y.shape == ty.shape
    np.testing.assert_allclose(arr(y), arr(ty), rtol=1e-5, atol=1e-6)
    g = np.random.default_rng(1).standard_normal(ty.shape).astype(dtype)
    y.backward(T.from_numpy(g)); ty.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_upsample_modules():
    for ours, theirs in [(tnn.Upsample(scale_factor=2), torch.nn.Upsample(scale_factor=2)),
                         (tnn.Upsample(size=(3, 4), mode='bilinear'), torch.nn.Upsample(size=(3, 4), mode='bilinear')),
                         (tnn.UpsamplingBilinear2d(scale_factor=2), torch.nn.UpsamplingBilinear2d(scale_factor=2)),
                         (tnn.UpsamplingNearest2d(size=5), torch.nn.UpsamplingNearest2d(size=5))]:
        assert repr(ours) == repr(theirs)
        x = np.random.default_rng(0).standard_normal((1, 2, 3, 3)).astype(np.float32)
        np.testing.assert_allclose(arr(ours(T.from_numpy(x))), arr(theirs(torch.from_numpy(x))), rtol=1e-5, atol=1e-6)
    assert error_of(lambda: TF.interpolate(T.ones(1, 1, 2, 2), scale_factor=2, align_corners=True)) == \
        error_of(lambda: torch.nn.functional.interpolate(torch.ones(1, 1, 2, 2), scale_factor=2, align_corners=True))


def test_full_backward_hooks_match_torch():
    def run(nn, lib, input_requires_grad):
        lib.manual_seed(0)
        net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        log = []
        net[0].register_full_backward_hook(lambda m, gi, go: log.append(('l0', [None if g is None else g.tolist() for g in gi],
                                                                         [g.tolist() for g in go])))
        net[2].register_full_backward_pre_hook(lambda m, go: (go[0] * 2,))
        net[2].register_full_backward_hook(lambda m, gi, go: log.append(('l2', [g.tolist() for g in gi], [g.tolist() for g in go])))
        net[1].register_full_backward_hook(lambda m, gi, go: (gi[0] * 0.5,))
        x = lib.tensor([[1., -2., 3.], [0.5, 0.1, -1.]], requires_grad=input_requires_grad)
        net(x).sum().backward()
        return log, net[0].weight.grad.tolist(), None if x.grad is None else x.grad.tolist()
    for rg in (True, False):
        with pytest.warns(UserWarning, match='Full backward hook is firing') if not rg else contextlib.nullcontext():
            ours = run(tnn, T, rg)
        with pytest.warns(UserWarning, match='Full backward hook is firing') if not rg else contextlib.nullcontext():
            theirs = run(torch.nn, torch, rg)
        assert ours[0][0][0] == theirs[0][0][0] and len(ours[0]) == len(theirs[0])
        for (n, gi, go), (tn, tgi, tgo) in zip(ours[0], theirs[0]):
            assert n == tn and [g is None for g in gi] == [g is None for g in tgi]
            for g, tg in zip(gi + go, tgi + tgo):
                if g is not None: np.testing.assert_allclose(g, tg, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)
        if rg: np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('cls,shape,kw', [('InstanceNorm2d', (2, 3, 4, 5), {}), ('InstanceNorm2d', (3, 4, 5), dict(affine=True)),
                                          ('InstanceNorm1d', (4, 3, 6), dict(affine=True, track_running_stats=True)),
                                          ('InstanceNorm2d', (2, 3, 4, 4), dict(track_running_stats=True, momentum=None)),
                                          ('BatchNorm3d', (2, 3, 2, 3, 4), {})])
def test_instance_norm_and_batchnorm3d(cls, shape, kw):
    ours, theirs = getattr(tnn, cls)(3, **kw), getattr(torch.nn, cls)(3, **kw)
    rng = np.random.default_rng(0)
    for mode in ('train', 'train', 'eval'):
        getattr(ours, mode)(); getattr(theirs, mode)()
        x = (rng.standard_normal(shape) * 2 + 1).astype(np.float32)
        xs, txs = T.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
        y, ty = ours(xs), theirs(txs)
        np.testing.assert_allclose(arr(y), arr(ty), rtol=1e-4, atol=1e-5)
        g = rng.standard_normal(shape).astype(np.float32)
        y.backward(T.from_numpy(g)); ty.backward(torch.from_numpy(g))
        np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), rtol=1e-4, atol=1e-4)
        for k, v in theirs.state_dict().items():
            np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


RNNS = [('RNN', (4, 6), {}, (5, 3, 4)), ('RNN', (4, 6, 2), dict(nonlinearity='relu', bidirectional=True), (5, 3, 4)),
        ('LSTM', (4, 6), {}, (5, 3, 4)), ('LSTM', (4, 5, 2), dict(batch_first=True, bidirectional=True), (3, 7, 4)),
        ('LSTM', (4, 5), dict(bias=False), (6, 4)), ('GRU', (4, 6), {}, (5, 3, 4)),
        ('GRU', (3, 5, 3), dict(batch_first=True), (2, 4, 3)), ('GRU', (4, 5, 1, True, False, 0.0, True), {}, (6, 4))]


@pytest.mark.parametrize('name,args,kw,shape', RNNS)
@pytest.mark.parametrize('given_state', [False, True])
def test_recurrent_layers(name, args, kw, shape, given_state):
    seed_both(0)
    ours, theirs = getattr(tnn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape)) for k, v in ours.named_parameters()] == [(k, tuple(v.shape)) for k, v in theirs.named_parameters()]
    for (k, v), tv in zip(ours.named_parameters(), theirs.parameters()): np.testing.assert_array_equal(v.detach().numpy(), tv.detach().numpy(), err_msg=k)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    xs, txs = T.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    extra, textra = (), ()
    if given_state:
        D = 2 if theirs.bidirectional else 1
        n = () if len(shape) == 2 else (shape[0] if theirs.batch_first else shape[1],)
        h = rng.standard_normal((theirs.num_layers * D,) + n + (theirs.hidden_size,)).astype(np.float32)
        if name == 'LSTM': extra, textra = ((T.from_numpy(h), T.from_numpy(h * 2)),), ((torch.from_numpy(h), torch.from_numpy(h * 2)),)
        else: extra, textra = (T.from_numpy(h),), (torch.from_numpy(h),)
    out, hn = ours(xs, *extra)
    tout, thn = theirs(txs, *textra)
    np.testing.assert_allclose(arr(out), arr(tout), rtol=1e-5, atol=1e-5)
    for a, b in zip(hn if name == 'LSTM' else (hn,), thn if name == 'LSTM' else (thn,)):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-5, atol=1e-5)
    (out.sum() + (hn[1] if name == 'LSTM' else hn).sum()).backward(); (tout.sum() + (thn[1] if name == 'LSTM' else thn).sum()).backward()
    np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), rtol=1e-4, atol=1e-5)
    for (k, v), tv in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(v.grad.numpy(), tv.grad.numpy(), rtol=1e-4, atol=1e-4, err_msg=k)


@pytest.mark.parametrize('name,kw', [('RNNCell', {}), ('RNNCell', dict(nonlinearity='relu', bias=False)), ('LSTMCell', {}), ('GRUCell', {})])
@pytest.mark.parametrize('batched', [True, False])
def test_recurrent_cells(name, kw, batched):
    seed_both(1)
    ours, theirs = getattr(tnn, name)(3, 4, **kw), getattr(torch.nn, name)(3, 4, **kw)
    assert repr(ours) == repr(theirs)
    x = np.random.default_rng(0).standard_normal((2, 3) if batched else (3,)).astype(np.float32)
    xs, txs = T.from_numpy(x.copy()).requires_grad_(), torch.from_numpy(x.copy()).requires_grad_()
    y, ty = ours(xs), theirs(txs)
    y, ty = (y[0] * 2 + y[1], ty[0] * 2 + ty[1]) if name == 'LSTMCell' else (y, ty)
    np.testing.assert_allclose(arr(y), arr(ty), rtol=1e-5, atol=1e-6)
    y.sum().backward(); ty.sum().backward()
    np.testing.assert_allclose(xs.grad.numpy(), txs.grad.numpy(), rtol=1e-5, atol=1e-6)
    for (k, v), tv in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(v.grad.numpy(), tv.grad.numpy(), rtol=1e-5, atol=1e-6, err_msg=k)


def test_rnn_dropout_between_layers_and_errors():
    seed_both(0)
    ours, theirs = tnn.LSTM(3, 4, num_layers=3, dropout=0.5), torch.nn.LSTM(3, 4, num_layers=3, dropout=0.5)
    x = np.random.default_rng(0).standard_normal((5, 2, 3)).astype(np.float32)
    seed_both(9)
    np.testing.assert_allclose(arr(ours(T.from_numpy(x))[0]), arr(theirs(torch.from_numpy(x))[0]), rtol=1e-5, atol=1e-6)
    ours.eval(); theirs.eval()
    np.testing.assert_allclose(arr(ours(T.from_numpy(x))[0]), arr(theirs(torch.from_numpy(x))[0]), rtol=1e-5, atol=1e-6)
    for f in (lambda nn, lib: nn.GRU(3, 4)(lib.ones(2, 2, 5)), lambda nn, lib: nn.GRU(3, 4)(lib.ones(2, 2, 3), lib.zeros(2, 2, 4)),
              lambda nn, lib: nn.RNN(3, 4, nonlinearity='sigmoid'), lambda nn, lib: nn.LSTM(3, 0)):
        assert error_of(lambda: f(tnn, T)) == error_of(lambda: f(torch.nn, torch))
