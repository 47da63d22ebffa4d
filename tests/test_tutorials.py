"""PyTorch beginner-tutorial programs run twice, once with real torch and once with `tinygrad_edu` as torch; results
are compared (same seeds give the same initialisation since the RNG is bit-exact with torch's CPU generator)."""
import copy, math, random

import numpy as np
import pytest
import torch

import tinygrad_edu as T


def to_py(o):
    "Results -> plain Python/NumPy for comparison (tensors of either library become arrays)."
    if isinstance(o, (torch.Tensor, T.Tensor)): return np.asarray(o.detach().numpy())
    if isinstance(o, dict): return {k: to_py(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)): return type(o)(to_py(v) for v in o)
    if isinstance(o, (torch.dtype, T.dtype)) or isinstance(o, (torch.device, T.device)): return str(o)
    if isinstance(o, torch.Size) or isinstance(o, T.Size): return tuple(o)
    return o


def check(a, b, rtol=1e-5, atol=1e-6, path="out"):
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), f"{path}: keys {list(a)} != {list(b)}"
        for k in a: check(a[k], b[k], rtol, atol, f"{path}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), f"{path}: {a} != {b}"
        for i, (x, y) in enumerate(zip(a, b)): check(x, y, rtol, atol, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray), f"{path}: {type(b)} is not an array"
        assert a.shape == b.shape and a.dtype == b.dtype, f"{path}: {a.shape} {a.dtype} != {b.shape} {b.dtype}"
        if a.dtype == bool or a.dtype.kind in 'iu': np.testing.assert_array_equal(b, a, err_msg=path)
        else: np.testing.assert_allclose(b, a, rtol=rtol, atol=atol, err_msg=path)
    elif isinstance(a, float):
        assert isinstance(b, float), f"{path}: {type(b)} is not a float"
        assert math.isclose(a, b, rel_tol=rtol, abs_tol=atol), f"{path}: {a} != {b}"
    else:
        assert type(a) == type(b) and a == b, f"{path}: {a!r} != {b!r}"


def run_both(prog, *args, rtol=1e-5, atol=1e-6, **kw):
    ref = to_py(prog(torch, *args, **kw))
    got = to_py(prog(T, *args, **kw))
    check(ref, got, rtol, atol)
    return ref, got


# ---------------------------------------------------------------- 1. Learning PyTorch with examples
def poly_tensors(torch):
    dtype, device = torch.float, torch.device("cpu")
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 200, device=device, dtype=dtype)
    y = torch.sin(x)
    a, b, c, d = (torch.randn((), device=device, dtype=dtype, requires_grad=True) for _ in range(4))
    lr, losses = 1e-6, []
    for t in range(300):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % 100 == 99: losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d): p -= lr * p.grad
            for p in (a, b, c, d): p.grad = None
    return losses, [p.item() for p in (a, b, c, d)], a.grad is None, a.requires_grad


def poly_nn(torch, opt):
    nn = torch.nn
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 200)
    y = torch.sin(x)
    p = torch.tensor([1, 2, 3])
    xx = x.unsqueeze(-1).pow(p)
    model = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))
    loss_fn = nn.MSELoss(reduction='sum')
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3) if opt else None
    losses = []
    for t in range(200):
        y_pred = model(xx)
        loss = loss_fn(y_pred, y)
        if t % 50 == 49: losses.append(loss.item())
        if opt:
            optimizer.zero_grad(); loss.backward(); optimizer.step()
        else:
            model.zero_grad(); loss.backward()
            with torch.no_grad():
                for param in model.parameters(): param -= 1e-6 * param.grad
    linear_layer = model[0]
    return (xx.shape, xx.dtype, y_pred.shape, losses, linear_layer.bias.item(), linear_layer.weight[:, 0].item(),
            linear_layer.weight[:, 2].item(), str(model))


def poly_module(torch):
    class Polynomial3(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Parameter(torch.randn(()))
            self.b = torch.nn.Parameter(torch.randn(()))
            self.c = torch.nn.Parameter(torch.randn(()))
            self.d = torch.nn.Parameter(torch.randn(()))

        def forward(self, x):
            return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

        def string(self):
            return f'y = {self.a.item():.4f} + {self.b.item():.4f} x + {self.c.item():.4f} x^2 + {self.d.item():.4f} x^3'
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 200)
    y = torch.sin(x)
    model = Polynomial3()
    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
    for t in range(200):
        loss = criterion(model(x), y)
        optimizer.zero_grad(); loss.backward(); optimizer.step()
    return model.string(), loss.item(), [n for n, _ in model.named_parameters()], len(list(model.parameters()))


def legendre(torch):
    class LegendrePolynomial3(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input ** 3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            input, = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input ** 2 - 1)
    dtype = torch.float
    torch.manual_seed(0)
    x = torch.linspace(-math.pi, math.pi, 200, dtype=dtype)
    y = torch.sin(x)
    a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
    c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
    d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
    lr = 5e-6
    for t in range(200):
        P3 = LegendrePolynomial3.apply
        y_pred = a + b * P3(c + d * x)
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d): p -= lr * p.grad; p.grad = None
    return loss.item(), [p.item() for p in (a, b, c, d)], type(y_pred.grad_fn).__name__


def dynamic_net(torch):
    class DynamicNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Parameter(torch.randn(()))
            self.b = torch.nn.Parameter(torch.randn(()))
            self.c = torch.nn.Parameter(torch.randn(()))
            self.d = torch.nn.Parameter(torch.randn(()))
            self.e = torch.nn.Parameter(torch.randn(()))

        def forward(self, x):
            y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
            for exp in range(4, random.randint(4, 6)):
                y = y + self.e * x ** exp
            return y
    torch.manual_seed(0); random.seed(0)
    x = torch.linspace(-math.pi, math.pi, 200)
    y = torch.sin(x)
    model = DynamicNet()
    criterion = torch.nn.MSELoss(reduction='sum')
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
    losses = []
    for t in range(100):
        loss = criterion(model(x), y)
        losses.append(loss.item())
        optimizer.zero_grad(); loss.backward(); optimizer.step()
    return losses[::10], [p.item() for p in model.parameters()]


def test_poly_tensors(): run_both(poly_tensors, rtol=1e-4)
@pytest.mark.parametrize("opt", [False, True])
def test_poly_nn(opt): run_both(poly_nn, opt, rtol=1e-4)
def test_poly_module(): run_both(poly_module, rtol=1e-4)
def test_legendre(): run_both(legendre, rtol=1e-4)
def test_dynamic_net(): run_both(dynamic_net, rtol=1e-4)


# ---------------------------------------------------------------- 2. Tensors quickstart
def tensors_quickstart(torch):
    out = {}
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    np_array = np.array(data)
    x_np = torch.from_numpy(np_array)
    torch.manual_seed(0)
    x_ones = torch.ones_like(x_data)
    x_rand = torch.rand_like(x_data, dtype=torch.float)
    out.update(x_data=x_data, x_np=x_np, x_ones=x_ones, x_rand=x_rand, dt=x_rand.dtype, idt=x_data.dtype)
    shape = (2, 3,)
    out.update(rand=torch.rand(shape), ones=torch.ones(shape), zeros=torch.zeros(shape))
    tensor = torch.rand(3, 4)
    out.update(shape=tensor.shape, dtype=tensor.dtype, device=tensor.device, dev_type=tensor.device.type)
    tensor = torch.ones(4, 4)
    out.update(first_row=tensor[0], first_col=tensor[:, 0], last_col=tensor[..., -1])
    tensor[:, 1] = 0
    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    out.update(t1=t1, t1shape=t1.shape)
    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    y3 = torch.rand_like(y1)
    r = torch.matmul(tensor, tensor.T, out=y3)
    out.update(y1=y1, y2=y2, y3=y3, same=r is y3)
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)
    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    out.update(z1=z1, z2=z2, z3=z3)
    agg = tensor.sum()
    agg_item = agg.item()
    out.update(agg_item=agg_item, agg_type=type(agg_item).__name__)
    r = tensor.add_(5)
    out.update(added=tensor, inplace_same=r is tensor, str=str(tensor))
    t = torch.ones(5)
    n = t.numpy()
    t.add_(1)
    out.update(n=n.copy(), n_type=type(n).__name__)
    n = np.ones(5)
    t = torch.from_numpy(n)
    np.add(n, 1, out=n)
    out.update(t_from=t.clone(), t_dtype=t.dtype, repr=repr(t))
    return out


def test_tensors_quickstart(): run_both(tensors_quickstart)


# ---------------------------------------------------------------- 3. Autograd quickstart
def autograd_quickstart(torch):
    torch.manual_seed(0)
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.randn(5, 3, requires_grad=True)
    b = torch.randn(3, requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    out = dict(zfn=type(z.grad_fn).__name__, lossfn=type(loss.grad_fn).__name__, loss=loss)
    loss.backward()
    out.update(wg=w.grad, bg=b.grad, rg=z.requires_grad)
    with torch.no_grad():
        z = torch.matmul(x, w) + b
    out.update(rg_nograd=z.requires_grad)
    z = torch.matmul(x, w) + b
    z_det = z.detach()
    out.update(rg_det=z_det.requires_grad, leaf=(w.is_leaf, z.is_leaf, z_det.is_leaf))
    inp = torch.eye(4, 5, requires_grad=True)
    o = (inp + 1).pow(2).t()
    o.backward(torch.ones_like(o), retain_graph=True)
    g1 = inp.grad.clone()
    o.backward(torch.ones_like(o), retain_graph=True)
    g2 = inp.grad.clone()
    inp.grad.zero_()
    o.backward(torch.ones_like(o), retain_graph=True)
    out.update(g1=g1, g2=g2, g3=inp.grad)
    return out


def test_autograd_quickstart(): run_both(autograd_quickstart)


def test_autograd_errors():
    "Errors a tutorial reader hits: backward twice without retain_graph, grad of a non-scalar, grad of a no-grad tensor."
    for lib in (torch, T):
        x = lib.ones(3, requires_grad=True)
        y = (x * x).sum()
        y.backward()
        with pytest.raises(RuntimeError): y.backward()
        with pytest.raises(RuntimeError): (x * 2).backward()
        with pytest.raises(RuntimeError): lib.ones(3).sum().backward()
        with pytest.raises(RuntimeError): x.numpy()


# ---------------------------------------------------------------- 4. Build the neural network
def _quickstart_class(torch):
    nn = torch.nn
    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28*28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

        def forward(self, x):
            x = self.flatten(x)
            logits = self.linear_relu_stack(x)
            return logits
    NeuralNetwork.__qualname__ = f"NeuralNetwork_{torch.__name__}"   # module-level, so whole-model pickling works
    return NeuralNetwork


NeuralNetwork_torch, NeuralNetwork_tinygrad_edu = _quickstart_class(torch), _quickstart_class(T)


def make_quickstart_net(torch):
    return globals()[f"NeuralNetwork_{torch.__name__}"]()


def build_nn(torch):
    nn = torch.nn
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    torch.manual_seed(0)
    model = make_quickstart_net(torch).to(device)
    X = torch.rand(1, 28, 28, device=device)
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    input_image = torch.rand(3, 28, 28)
    flat_image = nn.Flatten()(input_image)
    layer1 = nn.Linear(in_features=28*28, out_features=20)
    hidden1 = layer1(flat_image)
    relu = nn.ReLU()(hidden1)
    seq_modules = nn.Sequential(nn.Flatten(), layer1, nn.ReLU(), nn.Linear(20, 10))
    logits2 = seq_modules(input_image)
    named = [(name, param.size(), param[:2]) for name, param in model.named_parameters()]
    return dict(device=device, model=str(model), logits=logits, probab=pred_probab, y_pred=y_pred, flat=flat_image.size(),
                hidden=hidden1, relu=relu, logits2=logits2, sm=nn.Softmax(dim=1)(logits2), named=named,
                seq=str(seq_modules))


def test_build_nn(): run_both(build_nn)


# ---------------------------------------------------------------- 5. Optimization loop
def fake_fashion(torch, n=96):
    torch.manual_seed(1)
    X = torch.rand(n, 1, 28, 28)
    y = torch.randint(0, 10, (n,))
    return torch.utils.data.TensorDataset(X, y)


def optimization_loop(torch):
    DataLoader = torch.utils.data.DataLoader
    nn = torch.nn
    training_data, test_data = fake_fashion(torch), fake_fashion(torch, 40)
    learning_rate, batch_size, epochs = 1e-3, 16, 2
    torch.manual_seed(0)
    train_dataloader = DataLoader(training_data, batch_size=batch_size, shuffle=True)
    test_dataloader = DataLoader(test_data, batch_size=batch_size)
    model = make_quickstart_net(torch)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    log = []

    def train_loop(dataloader, model, loss_fn, optimizer):
        size = len(dataloader.dataset)
        model.train()
        for batch, (X, y) in enumerate(dataloader):
            pred = model(X)
            loss = loss_fn(pred, y)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            if batch % 2 == 0:
                loss, current = loss.item(), batch * batch_size + len(X)
                log.append((loss, f"[{current:>5d}/{size:>5d}]"))

    def test_loop(dataloader, model, loss_fn):
        model.eval()
        size = len(dataloader.dataset)
        num_batches = len(dataloader)
        test_loss, correct = 0, 0
        with torch.no_grad():
            for X, y in dataloader:
                pred = model(X)
                test_loss += loss_fn(pred, y).item()
                correct += (pred.argmax(1) == y).type(torch.float).sum().item()
        test_loss /= num_batches
        correct /= size
        log.append(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%")
        return test_loss, correct

    res = []
    for t in range(epochs):
        train_loop(train_dataloader, model, loss_fn, optimizer)
        res.append(test_loop(test_dataloader, model, loss_fn))
    return log, res, len(train_dataloader), model.training


def test_optimization_loop():
    ref, got = run_both(optimization_loop, rtol=1e-4)


# ---------------------------------------------------------------- 6. Save and load the model
def save_load(torch, tmp):
    torch.manual_seed(0)
    model = make_quickstart_net(torch)
    path = str(tmp / f"model_weights_{torch.__name__}.pth")
    torch.save(model.state_dict(), path)
    torch.manual_seed(1)
    model2 = make_quickstart_net(torch)
    r = model2.load_state_dict(torch.load(path, weights_only=True))
    model2.eval()
    x = torch.rand(2, 28, 28)
    same = torch.equal(model(x), model2(x))
    p2 = str(tmp / f"model_{torch.__name__}.pth")
    torch.save(model, p2)
    model3 = torch.load(p2, weights_only=False)
    sd = torch.load(path, weights_only=True)
    return (str(r), same, model2.training, torch.equal(model3(x), model(x)), type(model3).__name__, list(sd),
            type(sd).__name__, model3(x))


def test_save_load(tmp_path): run_both(save_load, tmp_path)


def test_load_weights_only_refuses_module(tmp_path):
    "torch.load(weights_only=True) of a pickled whole model fails with UnpicklingError in both libraries."
    import pickle
    for lib in (torch, T):
        torch.manual_seed(0)
        p = tmp_path / f"m_{lib.__name__}.pth"
        lib.save(lib.nn.Linear(2, 2), p)
        with pytest.raises(pickle.UnpicklingError): lib.load(p, weights_only=True)


# ---------------------------------------------------------------- 7. What is torch.nn really?
def fake_mnist(torch, n):
    torch.manual_seed(3)
    x = (torch.rand(n, 784) - 0.5) / 4
    y = (x[:, :392].sum(1) > x[:, 392:].sum(1)).long() + 2 * (x[:, ::2].sum(1) > x[:, 1::2].sum(1)).long()
    return x, y


def nn_really_scratch(torch):
    x_train, y_train = fake_mnist(torch, 256)
    n, c = x_train.shape
    torch.manual_seed(0)
    weights = torch.randn(784, 10) / math.sqrt(784)
    weights.requires_grad_()
    bias = torch.zeros(10, requires_grad=True)

    def log_softmax(x): return x - x.exp().sum(-1).log().unsqueeze(-1)
    def model(xb): return log_softmax(xb @ weights + bias)
    def nll(input, target): return -input[range(target.shape[0]), target].mean()
    loss_func = nll
    def accuracy(out, yb):
        preds = torch.argmax(out, dim=1)
        return (preds == yb).float().mean()

    bs, lr, epochs = 64, 0.5, 2
    xb, yb = x_train[0:bs], y_train[0:bs]
    preds = model(xb)
    out = dict(preds0=preds[0], shape=preds.shape, loss0=loss_func(preds, yb), acc0=accuracy(preds, yb))
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb, yb = x_train[start_i:end_i], y_train[start_i:end_i]
            loss = loss_func(model(xb), yb)
            loss.backward()
            with torch.no_grad():
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()
                bias.grad.zero_()
    out.update(loss=loss_func(model(xb), yb), acc=accuracy(model(xb), yb), w=weights[:3, :3], b=bias)
    F = torch.nn.functional
    out.update(ce=F.cross_entropy(xb @ weights + bias, yb))
    return out


def test_nn_really_scratch(): run_both(nn_really_scratch, rtol=1e-4, atol=1e-5)


def nn_really_refactored(torch, tmp=None):
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim
    TensorDataset, DataLoader = torch.utils.data.TensorDataset, torch.utils.data.DataLoader
    x_train, y_train = fake_mnist(torch, 192)
    x_valid, y_valid = fake_mnist(torch, 64)
    bs, lr = 32, 0.1

    class Mnist_Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)
        def forward(self, xb): return self.lin(xb)

    class Lambda(nn.Module):
        def __init__(self, func):
            super().__init__()
            self.func = func
        def forward(self, x): return self.func(x)

    def preprocess(x): return x.view(-1, 1, 28, 28)

    def loss_batch(model, loss_func, xb, yb, opt=None):
        loss = loss_func(model(xb), yb)
        if opt is not None:
            loss.backward(); opt.step(); opt.zero_grad()
        return loss.item(), len(xb)

    def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
        hist = []
        for epoch in range(epochs):
            model.train()
            for xb, yb in train_dl: loss_batch(model, loss_func, xb, yb, opt)
            model.eval()
            with torch.no_grad():
                losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
            hist.append(np.sum(np.multiply(losses, nums)) / np.sum(nums))
        return hist

    def get_data(train_ds, valid_ds, bs):
        return (DataLoader(train_ds, batch_size=bs, shuffle=True), DataLoader(valid_ds, batch_size=bs * 2))

    torch.manual_seed(0)
    train_dl, valid_dl = get_data(TensorDataset(x_train, y_train), TensorDataset(x_valid, y_valid), bs)
    out = {}
    model = Mnist_Logistic()
    opt = optim.SGD(model.parameters(), lr=lr)
    out['logistic'] = fit(2, model, F.cross_entropy, opt, train_dl, valid_dl)
    cnn = nn.Sequential(
        Lambda(preprocess),
        nn.Conv2d(1, 16, kernel_size=3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 16, kernel_size=3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 10, kernel_size=3, stride=2, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        Lambda(lambda x: x.view(x.size(0), -1)))
    opt = optim.SGD(cnn.parameters(), lr=lr, momentum=0.9)
    out['cnn'] = fit(2, cnn, F.cross_entropy, opt, train_dl, valid_dl)
    xb = preprocess(x_valid[:4])
    out['avg_pool'] = F.avg_pool2d(F.relu(cnn[1](xb)), 4)
    out['params'] = [p.shape for p in cnn.parameters()]
    return out


def test_nn_really_refactored(): run_both(nn_really_refactored, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- 8. Data loading and processing
def data_loading(torch):
    Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader

    class FaceLandmarksDataset(Dataset):
        def __init__(self, n, transform=None):
            rs = np.random.RandomState(0)
            self.images = [rs.randint(0, 256, (rs.randint(20, 30), 24, 3)).astype(np.uint8) for _ in range(n)]
            self.landmarks = [rs.rand(5, 2).astype('float') * 20 for _ in range(n)]
            self.transform = transform
        def __len__(self): return len(self.images)
        def __getitem__(self, idx):
            if torch.is_tensor(idx): idx = idx.tolist()
            sample = {'image': self.images[idx], 'landmarks': self.landmarks[idx]}
            if self.transform: sample = self.transform(sample)
            return sample

    class Rescale:
        def __init__(self, output_size): self.output_size = output_size
        def __call__(self, sample):
            image, landmarks = sample['image'], sample['landmarks']
            h, w = image.shape[:2]
            new_h, new_w = self.output_size
            img = image[np.arange(new_h) * h // new_h][:, np.arange(new_w) * w // new_w]
            return {'image': img, 'landmarks': landmarks * [new_w / w, new_h / h]}

    class ToTensor:
        def __call__(self, sample):
            image, landmarks = sample['image'], sample['landmarks']
            image = image.transpose((2, 0, 1))
            return {'image': torch.from_numpy(image), 'landmarks': torch.from_numpy(landmarks)}

    class Compose:
        def __init__(self, ts): self.ts = ts
        def __call__(self, s):
            for t in self.ts: s = t(s)
            return s

    ds = FaceLandmarksDataset(10, transform=Compose([Rescale((16, 16)), ToTensor()]))
    torch.manual_seed(0)
    dataloader = DataLoader(ds, batch_size=4, shuffle=True, num_workers=0)
    batches = []
    for i_batch, sample_batched in enumerate(dataloader):
        batches.append((i_batch, sample_batched['image'].size(), sample_batched['landmarks'].size(),
                        sample_batched['image'], sample_batched['landmarks'], list(sample_batched)))
    s0 = ds[torch.tensor(3)]
    raw = FaceLandmarksDataset(3)
    dl2 = DataLoader(raw, batch_size=3, collate_fn=lambda b: b)
    return batches, s0, len(dataloader), type(next(iter(dl2))).__name__, len(ds)


def test_data_loading(): run_both(data_loading)


# ---------------------------------------------------------------- 9. Transfer learning (finetune / fixed feature extractor)
def transfer_learning(torch):
    nn, optim, lr_scheduler = torch.nn, torch.optim, torch.optim.lr_scheduler

    class TinyResNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(8)
            self.relu = nn.ReLU(inplace=True)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(8, 1000)
        def forward(self, x):
            x = self.avgpool(self.relu(self.bn1(self.conv1(x))))
            return self.fc(torch.flatten(x, 1))

    torch.manual_seed(0)
    model_conv = TinyResNet()
    for param in model_conv.parameters(): param.requires_grad = False
    num_ftrs = model_conv.fc.in_features
    model_conv.fc = nn.Linear(num_ftrs, 2)
    criterion = nn.CrossEntropyLoss()
    optimizer_conv = optim.SGD(model_conv.fc.parameters(), lr=0.001, momentum=0.9)
    exp_lr_scheduler = lr_scheduler.StepLR(optimizer_conv, step_size=7, gamma=0.1)
    best_model_wts = copy.deepcopy(model_conv.state_dict())
    best_acc, lrs, losses = 0.0, [], []
    inputs, labels = torch.randn(6, 3, 8, 8), torch.tensor([0, 1, 1, 0, 1, 0])
    for epoch in range(10):
        model_conv.train()
        optimizer_conv.zero_grad()
        with torch.set_grad_enabled(True):
            outputs = model_conv(inputs)
            _, preds = torch.max(outputs, 1)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer_conv.step()
        exp_lr_scheduler.step()
        lrs.append(exp_lr_scheduler.get_last_lr()[0])
        running_corrects = torch.sum(preds == labels.data)
        epoch_acc = running_corrects.double() / len(labels)
        losses.append(loss.item() * inputs.size(0))
        if epoch_acc > best_acc:
            best_acc = epoch_acc
            best_model_wts = copy.deepcopy(model_conv.state_dict())
    model_conv.load_state_dict(best_model_wts)
    model_conv.eval()
    with torch.no_grad(): final = model_conv(inputs)
    return dict(lrs=lrs, losses=losses, best_acc=best_acc, final=final, keys=list(best_model_wts),
                trainable=[n for n, p in model_conv.named_parameters() if p.requires_grad],
                bn_mean=model_conv.bn1.running_mean, nbt=model_conv.bn1.num_batches_tracked)


def test_transfer_learning(): run_both(transfer_learning, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- 10. nn.Module in more depth
def module_depth(torch):
    nn = torch.nn

    class RunningMean(nn.Module):
        def __init__(self, num_features, momentum=0.9):
            super().__init__()
            self.momentum = momentum
            self.register_buffer('mean', torch.zeros(num_features))
            self.register_buffer('tmp', torch.ones(1), persistent=False)
        def forward(self, x):
            self.mean = self.momentum * self.mean + (1.0 - self.momentum) * x
            return self.mean

    class DynamicNet(nn.Module):
        def __init__(self, num_layers):
            super().__init__()
            self.linears = nn.ModuleList([nn.Linear(4, 4) for _ in range(num_layers)])
            self.activations = nn.ModuleDict({'relu': nn.ReLU(), 'lrelu': nn.LeakyReLU()})
            self.final = nn.Linear(4, 1)
            self.rm = RunningMean(4)
        def forward(self, x, act):
            for linear in self.linears:
                x = self.activations[act](linear(x))
            return self.final(self.rm(x))

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            m.bias.data.fill_(0.01)

    torch.manual_seed(0)
    net = DynamicNet(3)
    net.apply(init_weights)
    seen = []
    def fhook(m, inp, out): seen.append(('f', type(m).__name__, out.shape))
    def prehook(m, inp): seen.append(('pre', type(m).__name__, inp[0].shape))
    h1 = net.final.register_forward_hook(fhook)
    h2 = net.linears[0].register_forward_pre_hook(prehook)
    x = torch.randn(2, 4)
    y1 = net(x, 'relu')
    h1.remove(); h2.remove()
    y2 = net(x, 'lrelu')
    y2.sum().backward()
    out = dict(y1=y1, y2=y2, seen=seen, children=[type(c).__name__ for c in net.children()],
               modules=len(list(net.modules())), named_modules=[n for n, _ in net.named_modules()],
               keys=list(net.state_dict()), buffers=[n for n, _ in net.named_buffers()], repr=str(net),
               grads=[p.grad for p in net.parameters()], mean=net.rm.mean)
    net.to(torch.float64)
    out['dtype'] = net.final.weight.dtype
    out['y64'] = net(x.double(), 'relu')
    net.zero_grad()
    out['grad_after_zero'] = [p.grad is None for p in net.parameters()]
    net.eval(); out['training'] = [m.training for m in net.modules()]
    net.requires_grad_(False); out['rg'] = [p.requires_grad for p in net.parameters()]
    return out


def test_module_depth(): run_both(module_depth)


# ---------------------------------------------------------------- 11. Text classification with an RNN
def text_rnn(torch, cell):
    nn, F = torch.nn, torch.nn.functional
    pad_sequence = torch.nn.utils.rnn.pad_sequence

    class TextClassifier(nn.Module):
        def __init__(self, vocab_size, embed_dim, hidden, num_class):
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
            self.rnn = getattr(nn, cell)(embed_dim, hidden, batch_first=True)
            self.fc = nn.Linear(hidden, num_class)
            self.init_weights()
        def init_weights(self):
            initrange = 0.5
            self.embedding.weight.data.uniform_(-initrange, initrange)
            self.fc.weight.data.uniform_(-initrange, initrange)
            self.fc.bias.data.zero_()
        def forward(self, text):
            embedded = self.embedding(text)
            output, hidden = self.rnn(embedded)
            h = hidden[0] if isinstance(hidden, tuple) else hidden
            return self.fc(h[-1]), output

    torch.manual_seed(0)
    seqs = [torch.randint(1, 20, (n,)) for n in (5, 3, 7, 2)]
    labels = torch.tensor([0, 1, 2, 1])
    text = pad_sequence(seqs, batch_first=True, padding_value=0)
    model = TextClassifier(20, 8, 16, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=5.0)
    criterion = torch.nn.CrossEntropyLoss()
    model.train()
    out = {}
    for step in range(3):
        optimizer.zero_grad()
        predicted_label, output = model(text)
        loss = criterion(predicted_label, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        out[f'loss{step}'] = loss.item()
    out.update(text=text, out_shape=output.shape, acc=(predicted_label.argmax(1) == labels).sum().item(),
               emb_pad=model.embedding.weight[0], probs=F.softmax(predicted_label, dim=1))
    return out


@pytest.mark.parametrize("cell", ["RNN", "LSTM", "GRU"])
def test_text_rnn(cell): run_both(text_rnn, cell, rtol=1e-4, atol=1e-5)


def transformer_shapes(torch):
    nn = torch.nn
    torch.manual_seed(0)
    encoder_layer = nn.TransformerEncoderLayer(d_model=16, nhead=4, dim_feedforward=32, dropout=0.0, batch_first=True)
    transformer_encoder = nn.TransformerEncoder(encoder_layer, num_layers=2, enable_nested_tensor=False)
    src = torch.rand(2, 5, 16)
    mask = nn.Transformer.generate_square_subsequent_mask(5) if hasattr(nn, 'Transformer') else torch.triu(torch.full((5, 5), float('-inf')), diagonal=1)
    out = transformer_encoder(src, mask=mask, is_causal=True)
    emb = nn.Embedding(10, 16)
    pe = torch.zeros(5, 16)
    position = torch.arange(0, 5, dtype=torch.float).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, 16, 2).float() * (-math.log(10000.0) / 16))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    x = emb(torch.tensor([[1, 2, 3, 4, 5]])) * math.sqrt(16) + pe.unsqueeze(0)
    return out.shape, out, mask, x, transformer_encoder(x).shape, len(transformer_encoder.layers)


def test_transformer_shapes(): run_both(transformer_shapes, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- 12. Everyday utilities
def everyday(torch):
    F = torch.nn.functional
    out = {}
    torch.manual_seed(42); a = torch.rand(3)
    torch.manual_seed(42); b = torch.rand(3)
    out['repro'] = torch.equal(a, b)
    out['randint'] = torch.randint(0, 10, (2, 3))
    out['randint_low'] = torch.randint(5, (4,))
    out['randperm'] = torch.randperm(6)
    x = torch.randn(3, 4)
    out['where'] = torch.where(x > 0, x, torch.zeros_like(x))
    out['where_scalar'] = torch.where(x > 0, x, 0.0)
    out['nonzero_where'] = torch.where(x > 0)
    v, i = torch.topk(x, 2, dim=1)
    out.update(topv=v, topi=i, top_names=torch.topk(x, 2).indices)
    s = torch.sort(x, dim=0, descending=True)
    out.update(sortv=s.values, sorti=s.indices, argsort=torch.argsort(x, dim=1))
    out['argmax_keep'] = torch.argmax(x, dim=1, keepdim=True)
    out['argmax_all'] = torch.argmax(x)
    out['max'] = tuple(torch.max(x, dim=0))
    out['clamp'] = torch.clamp(x, min=-0.5, max=0.5)
    out['clamp_min'] = x.clamp(min=0)
    out['einsum'] = torch.einsum('ij,kj->ik', x, x)
    out['einsum_trace'] = torch.einsum('ii', torch.ones(3, 3))
    out['one_hot'] = F.one_hot(torch.tensor([0, 2, 1]), num_classes=4)
    out['one_hot_auto'] = F.one_hot(torch.tensor([[0, 2], [1, 1]]))
    out['softmax'] = F.softmax(x, dim=-1)
    out['log_softmax'] = torch.log_softmax(x, dim=1)

    @torch.no_grad()
    def doubler(t): return t * 2
    w = torch.ones(2, requires_grad=True)
    out['deco'] = doubler(w).requires_grad
    with torch.inference_mode(): out['inf_mode'] = (w * 2).requires_grad
    with torch.set_grad_enabled(False): out['sge'] = (w * 2).requires_grad
    torch.set_grad_enabled(True)
    out['grad_enabled'] = torch.is_grad_enabled()
    out['is_tensor'] = (torch.is_tensor(x), torch.is_tensor([1]), torch.numel(x), x.numel(), x.nelement(), x.dim())
    out['default'] = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    out['default64'] = (torch.get_default_dtype(), torch.tensor([1.5]).dtype, torch.zeros(1).dtype, torch.tensor([1]).dtype)
    torch.set_default_dtype(torch.float32)
    out['to_cpu'] = (x.to('cpu').device, x.cpu().device, torch.device('cpu'), torch.device('cpu') == x.device,
                     x.to(torch.device('cpu'), torch.float64).dtype, x.to(dtype=torch.int32).dtype)
    out['misc'] = (torch.arange(6).view(2, 3).sum().item(), torch.tensor([1.0, 2.0]).mean().item(),
                   torch.tensor(3).item(), torch.tensor([[1, 2]]).tolist(), torch.tensor(2.5).tolist())
    out['stack'] = torch.stack([x, x], dim=1).shape
    out['chunk'] = [c.shape for c in torch.chunk(torch.arange(10), 3)]
    out['split'] = [c.tolist() for c in torch.split(torch.arange(7), [3, 4])]
    out['unique'] = torch.unique(torch.tensor([3, 1, 3, 2]), return_counts=True)
    out['allclose'] = (torch.allclose(x, x + 1e-9), torch.isclose(x, x).all().item())
    return out


def test_everyday(): run_both(everyday)


@pytest.mark.skipif(not hasattr(T, 'pi'), reason="torch.pi/e/inf/nan come with the seeds branch (12_namespace)")
def test_constants():
    assert (T.pi, T.e, T.inf) == (torch.pi, torch.e, torch.inf) and math.isnan(T.nan)


def test_everyday_errors():
    "Common mistakes raise the same error types: shape mismatch in matmul/cat/view, item() of many elements, bad dim."
    for lib in (torch, T):
        x = lib.ones(2, 3)
        with pytest.raises(RuntimeError): x @ x
        with pytest.raises(RuntimeError): lib.cat([x, lib.ones(3, 3)], dim=1)
        with pytest.raises(RuntimeError): x.view(4, 2)
        with pytest.raises(RuntimeError): x.item()
        with pytest.raises(IndexError): x.sum(dim=2)
        with pytest.raises(RuntimeError): lib.nn.Linear(4, 2)(x)
        with pytest.raises(RuntimeError): x.t().view(6)
        with pytest.raises(IndexError): lib.nn.functional.cross_entropy(lib.zeros(2, 3), lib.tensor([0, 3]))


def seq2seq_transformer(torch, batch_first):
    "The full nn.Transformer (language-translation tutorial style): causal target mask, padding masks, one Adam step."
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Transformer(d_model=16, nhead=2, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=32,
                           dropout=0.0, batch_first=batch_first)
    src_emb, tgt_emb, gen = nn.Embedding(12, 16), nn.Embedding(12, 16), nn.Linear(16, 12)
    src = torch.randint(1, 12, (6, 2)); tgt = torch.randint(1, 12, (5, 2))
    src[4:, 1] = 0; tgt[3:, 0] = 0
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(5)
    src_padding_mask, tgt_padding_mask = (src == 0).transpose(0, 1), (tgt == 0).transpose(0, 1)
    if batch_first: src, tgt = src.t(), tgt.t()
    params = list(model.parameters()) + list(src_emb.parameters()) + list(tgt_emb.parameters()) + list(gen.parameters())
    opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.98), eps=1e-9)
    outs = model(src_emb(src), tgt_emb(tgt), src_mask=None, tgt_mask=tgt_mask, src_key_padding_mask=src_padding_mask,
                 tgt_key_padding_mask=tgt_padding_mask, memory_key_padding_mask=src_padding_mask)
    logits = gen(outs)
    loss = nn.functional.cross_entropy(logits.reshape(-1, 12), tgt.reshape(-1), ignore_index=0)
    opt.zero_grad(); loss.backward(); opt.step()
    return (logits, loss, model.encoder.layers[0].self_attn.in_proj_weight.grad, model.decoder.norm.weight,
            [n for n, _ in model.named_parameters()][:30], tgt_mask)


@pytest.mark.parametrize("batch_first", [False, True])
def test_seq2seq_transformer(batch_first): run_both(seq2seq_transformer, batch_first, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- 13. DCGAN (generator of transposed convolutions)
def dcgan(torch):
    nn, optim = torch.nn, torch.optim
    nz, ngf, ndf, nc = 8, 4, 4, 3

    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find('Conv') != -1:
            nn.init.normal_(m.weight.data, 0.0, 0.02)
        elif classname.find('BatchNorm') != -1:
            nn.init.normal_(m.weight.data, 1.0, 0.02)
            nn.init.constant_(m.bias.data, 0)

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False), nn.Tanh())
        def forward(self, input): return self.main(input)

    class Discriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False), nn.Sigmoid())
        def forward(self, input): return self.main(input)

    torch.manual_seed(999)
    netG, netD = Generator(), Discriminator()
    netG.apply(weights_init); netD.apply(weights_init)
    criterion = nn.BCELoss()
    fixed_noise = torch.randn(4, nz, 1, 1)
    real_label, fake_label = 1., 0.
    optimizerD = optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))
    real = torch.rand(6, nc, 16, 16) * 2 - 1
    hist = []
    for it in range(2):
        netD.zero_grad()
        b_size = real.size(0)
        label = torch.full((b_size,), real_label, dtype=torch.float)
        output = netD(real).view(-1)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()
        noise = torch.randn(b_size, nz, 1, 1)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach()).view(-1)
        errD_fake = criterion(output, label)
        errD_fake.backward()
        errD = errD_real + errD_fake
        optimizerD.step()
        netG.zero_grad()
        label.fill_(real_label)
        output = netD(fake).view(-1)
        errG = criterion(output, label)
        errG.backward()
        optimizerG.step()
        hist.append((errD.item(), errG.item(), D_x, output.mean().item()))
    with torch.no_grad(): fake = netG(fixed_noise).detach().cpu()
    return hist, fake, str(netG), netG.main[0].weight.shape, netG.main[3].weight.grad


def test_dcgan(): run_both(dcgan, rtol=1e-4, atol=1e-5)


def test_conv_transpose_errors():
    for lib in (torch, T):
        m = lib.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
        with pytest.raises(ValueError): m(lib.ones(1, 4, 5, 5), output_size=[12, 12])
        with pytest.raises(RuntimeError): m(lib.ones(1, 3, 5, 5))
        with pytest.raises(ValueError): lib.nn.ConvTranspose2d(2, 2, 3, padding_mode='reflect')
        assert tuple(m(lib.ones(1, 4, 5, 5), output_size=[10, 10]).shape) == (1, 2, 10, 10)


# ---------------------------------------------------------------- 14. Neural networks blitz + the fundamentals of autograd
def blitz_autograd(torch):
    out = {}
    a = torch.tensor([2., 3.], requires_grad=True)
    b = torch.tensor([6., 4.], requires_grad=True)
    Q = 3 * a ** 3 - b ** 2
    external_grad = torch.tensor([1., 1.])
    Q.backward(gradient=external_grad)
    out.update(a_ok=(9 * a ** 2 == a.grad).tolist(), b_ok=(-2 * b == b.grad).tolist())
    a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
    b = torch.sin(a)
    c = 2 * b
    d = c + 1
    o = d.sum()
    out['names'] = [type(d.grad_fn).__name__, type(d.grad_fn.next_functions[0][0]).__name__,
                    type(d.grad_fn.next_functions[0][0].next_functions[0][0]).__name__,
                    type(c.grad_fn.next_functions[0][0].next_functions[0][0]).__name__]
    out['next_none'] = d.grad_fn.next_functions[1][0] is None
    o.backward()
    out['agrad'] = a.grad
    out['leaf_grad_none'] = b.grad is None
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    y.retain_grad()
    z = (y ** 2).sum()
    gx, = torch.autograd.grad(z, x, create_graph=True)
    out['autograd_grad'] = gx
    gx.sum().backward()
    out['second'] = x.grad
    y = x * 2
    y.retain_grad()
    z2 = (y ** 2).sum(); z2.backward()
    out['retained'] = y.grad
    seen = []
    h = x.register_hook(lambda g: seen.append(g.clone()) or g * 0.5)
    (x * 3).sum().backward()
    h.remove()
    out.update(hooked=seen, xgrad_after_hook=x.grad)
    with torch.no_grad():
        out['ng'] = (x * 2).requires_grad
    out['detached'] = (x.detach() * 2).requires_grad
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    inp = torch.randn(1, 4)
    net.zero_grad()
    o = net(inp)
    o.backward(torch.randn(1, 2))
    params = list(net.parameters())
    out.update(nparams=len(params), p0=params[0].size(), grads=[p.grad for p in params])
    learning_rate = 0.01
    for f in net.parameters(): f.data.sub_(f.grad.data * learning_rate)
    out['updated'] = params[0]
    loss = torch.nn.MSELoss()(net(inp), torch.randn(1, 2))
    out['loss_fn'] = [type(loss.grad_fn).__name__, type(loss.grad_fn.next_functions[0][0]).__name__]
    return out


def test_blitz_autograd(): run_both(blitz_autograd)


def autograd_functional(torch):
    def exp_adder(x, y): return 2 * x.exp() + 3 * y
    def pow_reducer(x): return x.pow(3).sum()
    torch.manual_seed(0)
    inputs = (torch.rand(3), torch.rand(3))
    J = torch.autograd.functional.jacobian(exp_adder, inputs)
    x = torch.rand(2, 2)
    H = torch.autograd.functional.hessian(pow_reducer, x)
    v = torch.ones(2, 2)
    vjp = torch.autograd.functional.vjp(pow_reducer, x)
    jvp = torch.autograd.functional.jvp(lambda t: t ** 2, x, v)
    hvp = torch.autograd.functional.hvp(pow_reducer, x, v)
    Jsingle = torch.autograd.functional.jacobian(lambda t: t.sin() * 2, x)
    return J, H, vjp, jvp, hvp, Jsingle, J[0].requires_grad


def test_autograd_functional(): run_both(autograd_functional)


# ---------------------------------------------------------------- 15. DQN's optimisation step
def dqn_step(torch):
    from collections import namedtuple
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim
    Transition = namedtuple('Transition', ('state', 'action', 'next_state', 'reward'))

    class DQN(nn.Module):
        def __init__(self, n_observations, n_actions):
            super().__init__()
            self.layer1 = nn.Linear(n_observations, 16)
            self.layer2 = nn.Linear(16, 16)
            self.layer3 = nn.Linear(16, n_actions)
        def forward(self, x):
            x = F.relu(self.layer1(x))
            x = F.relu(self.layer2(x))
            return self.layer3(x)

    torch.manual_seed(0)
    policy_net, target_net = DQN(4, 2), DQN(4, 2)
    target_net.load_state_dict(policy_net.state_dict())
    optimizer = optim.AdamW(policy_net.parameters(), lr=1e-3, amsgrad=True)
    GAMMA, TAU = 0.99, 0.005
    memory = []
    for i in range(8):
        state = torch.randn(4).unsqueeze(0)
        with torch.no_grad(): action = policy_net(state).max(1).indices.view(1, 1)
        nxt = None if i % 3 == 2 else torch.randn(1, 4)
        memory.append(Transition(state, action, nxt, torch.tensor([float(i % 2)])))
    losses = []
    for step in range(3):
        batch = Transition(*zip(*memory))
        non_final_mask = torch.tensor(tuple(map(lambda s: s is not None, batch.next_state)), dtype=torch.bool)
        non_final_next_states = torch.cat([s for s in batch.next_state if s is not None])
        state_batch, action_batch, reward_batch = torch.cat(batch.state), torch.cat(batch.action), torch.cat(batch.reward)
        state_action_values = policy_net(state_batch).gather(1, action_batch)
        next_state_values = torch.zeros(len(memory))
        with torch.no_grad():
            next_state_values[non_final_mask] = target_net(non_final_next_states).max(1).values
        expected_state_action_values = (next_state_values * GAMMA) + reward_batch
        criterion = nn.SmoothL1Loss()
        loss = criterion(state_action_values, expected_state_action_values.unsqueeze(1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_value_(policy_net.parameters(), 100)
        optimizer.step()
        target_net_state_dict = target_net.state_dict()
        policy_net_state_dict = policy_net.state_dict()
        for key in policy_net_state_dict:
            target_net_state_dict[key] = policy_net_state_dict[key] * TAU + target_net_state_dict[key] * (1 - TAU)
        target_net.load_state_dict(target_net_state_dict)
        losses.append(loss.item())
    return losses, non_final_mask, next_state_values, target_net.layer3.bias, policy_net.layer1.weight[:2]


def test_dqn_step(): run_both(dqn_step, rtol=1e-4, atol=1e-6)


# ---------------------------------------------------------------- 16. FGSM adversarial examples and a VAE loss
def fgsm_vae(torch):
    F = torch.nn.functional
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(16, 10), torch.nn.LogSoftmax(dim=1))
    model.eval()
    data, target = torch.rand(1, 1, 4, 4), torch.tensor([3])
    data.requires_grad = True
    output = model(data)
    init_pred = output.max(1, keepdim=True)[1]
    loss = F.nll_loss(output, target)
    model.zero_grad()
    loss.backward()
    data_grad = data.grad.data
    res = {}
    for epsilon in (0, .05, .3):
        sign_data_grad = data_grad.sign()
        perturbed_image = data + epsilon * sign_data_grad
        perturbed_image = torch.clamp(perturbed_image, 0, 1)
        out2 = model(perturbed_image)
        res[epsilon] = (out2.max(1, keepdim=True)[1].item(), perturbed_image.squeeze().detach().cpu().numpy())
    mu, logvar = torch.randn(4, 2, requires_grad=True), torch.randn(4, 2, requires_grad=True)
    std = torch.exp(0.5 * logvar)
    eps = torch.randn_like(std)
    z = mu + eps * std
    recon = torch.sigmoid(z @ torch.randn(2, 784))
    x = torch.rand(4, 1, 28, 28)
    BCE = F.binary_cross_entropy(recon, x.view(-1, 784), reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    (BCE + KLD).backward()
    return init_pred, res, BCE, KLD, mu.grad, logvar.grad


def test_fgsm_vae(): run_both(fgsm_vae, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- 17. NLP from scratch: char-RNN name classification
def char_rnn(torch):
    import string
    nn, F = torch.nn, torch.nn.functional
    allowed_characters = string.ascii_letters + " .,;'_"
    n_letters = len(allowed_characters)
    def letterToIndex(letter): return allowed_characters.find(letter) if letter in allowed_characters else allowed_characters.find("_")
    def lineToTensor(line):
        tensor = torch.zeros(len(line), 1, n_letters)
        for li, letter in enumerate(line): tensor[li][0][letterToIndex(letter)] = 1
        return tensor

    class NamesDataset(torch.utils.data.Dataset):
        def __init__(self):
            names = [("Smith", "English"), ("Nguyen", "Vietnamese"), ("Rossi", "Italian"), ("Jones", "English"),
                     ("Tran", "Vietnamese"), ("Bianchi", "Italian"), ("Brown", "English"), ("Le", "Vietnamese")]
            self.labels_uniq = sorted(set(l for _, l in names))
            self.data = [(n, l, torch.tensor([self.labels_uniq.index(l)], dtype=torch.long), lineToTensor(n)) for n, l in names]
        def __len__(self): return len(self.data)
        def __getitem__(self, idx):
            name, label, label_tensor, data_tensor = self.data[idx]
            return label_tensor, data_tensor, label, name

    class CharRNN(nn.Module):
        def __init__(self, input_size, hidden_size, output_size):
            super().__init__()
            self.rnn = nn.RNN(input_size, hidden_size)
            self.h2o = nn.Linear(hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)
        def forward(self, line_tensor):
            rnn_out, hidden = self.rnn(line_tensor)
            return self.softmax(self.h2o(hidden[0]))

    torch.manual_seed(0)
    alldata = NamesDataset()
    train_set, test_set = torch.utils.data.random_split(alldata, [.75, .25], generator=torch.Generator().manual_seed(2024))
    rnn = CharRNN(n_letters, 16, len(alldata.labels_uniq))
    criterion = nn.NLLLoss()
    optimizer = torch.optim.SGD(rnn.parameters(), lr=0.2)
    rnn.train()
    losses = []
    for epoch in range(3):
        rnn.zero_grad()
        batches = list(range(len(train_set)))
        random.Random(epoch).shuffle(batches)
        batch_loss = 0
        for i in batches:
            label_tensor, text_tensor, label, text = train_set[i]
            output = rnn.forward(text_tensor)
            batch_loss += criterion(output, label_tensor)
        batch_loss.backward()
        nn.utils.clip_grad_norm_(rnn.parameters(), 3)
        optimizer.step()
        optimizer.zero_grad()
        losses.append(batch_loss.item() / len(batches))
    rnn.eval()
    guesses = []
    with torch.no_grad():
        for i in range(len(test_set)):
            label_tensor, text_tensor, label, text = test_set[i]
            output = rnn(text_tensor)
            top_n, top_i = output.topk(1)
            guesses.append((text, alldata.labels_uniq[top_i[0].item()], top_n))
    return (lineToTensor("Jones").size(), list(train_set.indices), list(test_set.indices), losses, guesses,
            letterToIndex("J"))


def test_char_rnn(): run_both(char_rnn, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- 18. Word embeddings: an N-gram language model
def ngram(torch):
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim
    CONTEXT_SIZE, EMBEDDING_DIM = 2, 10
    test_sentence = """When forty winters shall besiege thy brow,
    And dig deep trenches in thy beauty's field, Thy youth's proud livery so gazed on now,""".split()
    ngrams = [([test_sentence[i - j - 1] for j in range(CONTEXT_SIZE)], test_sentence[i])
              for i in range(CONTEXT_SIZE, len(test_sentence))]
    vocab = sorted(set(test_sentence))
    word_to_ix = {word: i for i, word in enumerate(vocab)}

    class NGramLanguageModeler(nn.Module):
        def __init__(self, vocab_size, embedding_dim, context_size):
            super().__init__()
            self.embeddings = nn.Embedding(vocab_size, embedding_dim)
            self.linear1 = nn.Linear(context_size * embedding_dim, 128)
            self.linear2 = nn.Linear(128, vocab_size)
        def forward(self, inputs):
            embeds = self.embeddings(inputs).view((1, -1))
            out = F.relu(self.linear1(embeds))
            out = self.linear2(out)
            return F.log_softmax(out, dim=1)

    torch.manual_seed(1)
    losses = []
    loss_function = nn.NLLLoss()
    model = NGramLanguageModeler(len(vocab), EMBEDDING_DIM, CONTEXT_SIZE)
    optimizer = optim.SGD(model.parameters(), lr=0.001)
    for epoch in range(3):
        total_loss = 0
        for context, target in ngrams:
            context_idxs = torch.tensor([word_to_ix[w] for w in context], dtype=torch.long)
            model.zero_grad()
            log_probs = model(context_idxs)
            loss = loss_function(log_probs, torch.tensor([word_to_ix[target]], dtype=torch.long))
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        losses.append(total_loss)
    word_embeds = nn.Embedding(2, 5)
    lookup_tensor = torch.tensor([word_to_ix["thy"]] if False else [1], dtype=torch.long)
    return losses, model.embeddings.weight[word_to_ix["beauty's"]], word_embeds(lookup_tensor)


def test_ngram(): run_both(ngram, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- 19. Learning-rate schedulers
def schedulers(torch):
    optim, lr_scheduler = torch.optim, torch.optim.lr_scheduler
    torch.manual_seed(0)
    out = {}
    def make(name, **kw):
        model = torch.nn.Linear(2, 1)
        opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        return model, opt, getattr(lr_scheduler, name)(opt, **kw)
    specs = dict(StepLR=dict(step_size=3, gamma=0.5), MultiStepLR=dict(milestones=[2, 5], gamma=0.1),
                 ExponentialLR=dict(gamma=0.9), CosineAnnealingLR=dict(T_max=5), LambdaLR=dict(lr_lambda=lambda e: 0.95 ** e),
                 OneCycleLR=dict(max_lr=0.5, total_steps=8), LinearLR=dict(start_factor=0.5, total_iters=4),
                 CosineAnnealingWarmRestarts=dict(T_0=3, T_mult=2))
    for name, kw in specs.items():
        model, opt, sched = make(name, **kw)
        lrs = []
        for epoch in range(8):
            opt.zero_grad(); model(torch.ones(1, 2)).sum().backward(); opt.step()
            sched.step()
            lrs.append(sched.get_last_lr()[0])
        out[name] = lrs
        out[name + '_sd'] = {k: v for k, v in sched.state_dict().items() if k in ('last_epoch', '_step_count', 'base_lrs')}
    model, opt, _ = make('StepLR', step_size=1)
    plateau = lr_scheduler.ReduceLROnPlateau(opt, mode='min', factor=0.5, patience=1)
    for val_loss in (1.0, 0.9, 0.95, 0.97, 0.99, 0.5, 0.6, 0.7):
        plateau.step(val_loss)
        out.setdefault('plateau', []).append(opt.param_groups[0]['lr'])
    return out


def test_schedulers(): run_both(schedulers)


# ---------------------------------------------------------------- 20. Neural style transfer (LBFGS on the input image)
def style_transfer(torch, line_search):
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim

    def gram_matrix(input):
        a, b, c, d = input.size()
        features = input.view(a * b, c * d)
        G = torch.mm(features, features.t())
        return G.div(a * b * c * d)

    class ContentLoss(nn.Module):
        def __init__(self, target):
            super().__init__()
            self.target = target.detach()
        def forward(self, input):
            self.loss = F.mse_loss(input, self.target)
            return input

    class StyleLoss(nn.Module):
        def __init__(self, target_feature):
            super().__init__()
            self.target = gram_matrix(target_feature).detach()
        def forward(self, input):
            self.loss = F.mse_loss(gram_matrix(input), self.target)
            return input

    torch.manual_seed(0)
    conv = nn.Conv2d(3, 4, 3, padding=1)
    style_img, content_img = torch.rand(1, 3, 8, 8), torch.rand(1, 3, 8, 8)
    with torch.no_grad():
        content_loss, style_loss = ContentLoss(conv(content_img)), StyleLoss(conv(style_img))
    model = nn.Sequential(conv, content_loss, style_loss)
    model.eval(); model.requires_grad_(False)
    input_img = content_img.clone()
    input_img.requires_grad_(True)
    optimizer = optim.LBFGS([input_img], max_iter=6, line_search_fn=line_search)   # float32 L-BFGS turns chaotic later on
    run, hist = [0], []
    while run[0] <= 12:
        def closure():
            with torch.no_grad(): input_img.clamp_(0, 1)
            optimizer.zero_grad()
            model(input_img)
            loss = style_loss.loss * 1000 + content_loss.loss
            loss.backward()
            run[0] += 1
            hist.append(loss.item())
            return style_loss.loss + content_loss.loss
        optimizer.step(closure)
    with torch.no_grad(): input_img.clamp_(0, 1)
    st = optimizer.state[input_img]
    return hist, input_img, st['n_iter'], st['func_evals'], len(st['old_dirs'])


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_style_transfer(line_search): run_both(style_transfer, line_search, rtol=1e-3, atol=1e-4)


def test_lbfgs_rosenbrock():
    "L-BFGS with the strong-Wolfe line search on Rosenbrock: same iterates as torch (float64)."
    def prog(torch):
        xy = torch.tensor([-1.5, 2.0], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.LBFGS([xy], lr=1, history_size=5, max_iter=10, line_search_fn='strong_wolfe')
        def closure():
            opt.zero_grad()
            loss = (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2
            loss.backward()
            return loss
        path = []
        for _ in range(4):
            opt.step(closure); path.append(xy.detach().clone())
        return path, opt.state[xy]['func_evals']
    run_both(prog, rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- 21. Packed sequences through an RNN (chatbot encoder style)
def packed_rnn(torch, cell, bidirectional, enforce_sorted):
    nn = torch.nn
    rnn_utils = torch.nn.utils.rnn
    torch.manual_seed(0)
    embedding = nn.Embedding(20, 6, padding_idx=0)
    rnn = getattr(nn, cell)(6, 5, num_layers=2, bidirectional=bidirectional)
    seqs = [torch.randint(1, 20, (n,)) for n in ((5, 3, 2) if enforce_sorted else (3, 5, 1, 4))]
    lengths = torch.tensor([len(s) for s in seqs])
    padded = rnn_utils.pad_sequence(seqs)                               # (T, B)
    embedded = embedding(padded)
    packed = rnn_utils.pack_padded_sequence(embedded, lengths, enforce_sorted=enforce_sorted)
    outputs, hidden = rnn(packed)
    out_pad, out_len = rnn_utils.pad_packed_sequence(outputs, total_length=padded.shape[0] + 1)
    h = hidden[0] if isinstance(hidden, tuple) else hidden
    if bidirectional: out_pad = out_pad[:, :, :5] + out_pad[:, :, 5:]
    loss = out_pad.pow(2).sum() + h.sum()
    loss.backward()
    emb_pad = embedding(rnn_utils.pad_sequence(seqs, batch_first=True))
    p2 = rnn_utils.pack_padded_sequence(emb_pad, lengths, batch_first=True, enforce_sorted=False)
    return (packed.data, packed.batch_sizes, packed.sorted_indices, packed.unsorted_indices, outputs.data, out_pad,
            out_len, h, embedding.weight.grad, rnn.weight_hh_l0.grad, p2.batch_sizes,
            [s.shape for s in rnn_utils.unpack_sequence(p2)], rnn_utils.pack_sequence(seqs, enforce_sorted=False).data)


@pytest.mark.parametrize("cell,bidirectional,enforce_sorted", [("LSTM", False, True), ("GRU", True, False), ("RNN", True, True),
                                                               ("LSTM", True, False)])
def test_packed_rnn(cell, bidirectional, enforce_sorted):
    run_both(packed_rnn, cell, bidirectional, enforce_sorted, rtol=1e-4, atol=1e-5)


def test_packed_errors():
    for lib in (torch, T):
        u = lib.nn.utils.rnn
        with pytest.raises(RuntimeError): u.pack_padded_sequence(lib.zeros(4, 2, 3), [2, 4])
        with pytest.raises(ValueError): u.pad_packed_sequence(u.pack_sequence([lib.ones(3), lib.ones(2)]), total_length=2)


# ---------------------------------------------------------------- 22. Introduction to torch.compile (runs eagerly here)
def compile_intro(torch):
    torch.manual_seed(0)
    def foo(x, y):
        a = torch.sin(x)
        b = torch.cos(y)
        return a + b
    opt_foo1 = torch.compile(foo, backend='eager')      # 'eager': dynamo without inductor's slow code generation
    @torch.compile(backend='eager')
    def opt_foo2(x, y):
        a = torch.sin(x)
        b = torch.cos(y)
        return a + b
    class MyModule(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(4, 4)
        def forward(self, x):
            return torch.nn.functional.relu(self.lin(x))
    mod = MyModule()
    opt_mod = torch.compile(mod, backend="eager")
    x = torch.randn(3, 4)
    torch.set_float32_matmul_precision('high')
    out = opt_mod(x)
    out.sum().backward()
    return (opt_foo1(torch.randn(10, 10), torch.randn(10, 10)), opt_foo2(torch.randn(3), torch.randn(3)), out,
            list(opt_mod.state_dict()), str(opt_mod), mod.lin.weight.grad, opt_mod.lin is mod.lin, type(opt_mod).__name__,
            torch.get_float32_matmul_precision())


@pytest.fixture
def restore_precision():
    yield
    torch.set_float32_matmul_precision('highest')


def test_compile_intro(restore_precision): run_both(compile_intro)


# ---------------------------------------------------------------- 23. Saving/loading a general checkpoint; warmstarting
def checkpoint(torch, tmp):
    nn, F, optim = torch.nn, torch.nn.functional, torch.optim

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.fc1 = nn.Linear(6 * 2 * 2, 10)
        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            return self.fc1(torch.flatten(x, 1))

    torch.manual_seed(0)
    net = Net()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    x, y = torch.randn(4, 3, 8, 8), torch.tensor([1, 2, 3, 4])
    loss = F.cross_entropy(net(x), y); loss.backward(); optimizer.step()
    EPOCH, PATH = 5, str(tmp / f"model_{torch.__name__}.pt")
    torch.save({'epoch': EPOCH, 'model_state_dict': net.state_dict(), 'optimizer_state_dict': optimizer.state_dict(),
                'loss': loss}, PATH)
    model = Net()
    opt2 = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
    checkpoint = torch.load(PATH, weights_only=True)
    model.load_state_dict(checkpoint['model_state_dict'])
    opt2.load_state_dict(checkpoint['optimizer_state_dict'])
    epoch, loss2 = checkpoint['epoch'], checkpoint['loss']
    model.train()
    opt2.zero_grad(); F.cross_entropy(model(x), y).backward(); opt2.step()
    optimizer.zero_grad(); F.cross_entropy(net(x), y).backward(); optimizer.step()

    class NetB(nn.Module):                      # warmstart: a different model with some of the same keys
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.fc2 = nn.Linear(4, 2)
        def forward(self, x): return x
    netB = NetB()
    res = netB.load_state_dict(torch.load(PATH, weights_only=True)['model_state_dict'], strict=False)
    with pytest.raises(RuntimeError):
        netB.load_state_dict(net.state_dict())
    sd = opt2.state_dict()
    return (epoch, loss2, model.fc1.weight, net.fc1.weight, sorted(res.missing_keys), sorted(res.unexpected_keys),
            torch.equal(netB.conv1.weight, checkpoint['model_state_dict']['conv1.weight']), list(sd['state']),
            sd['param_groups'][0]['params'], sd['state'][0]['momentum_buffer'], str(res))


def test_checkpoint(tmp_path): run_both(checkpoint, tmp_path)


# ---------------------------------------------------------------- 24. Spatial transformer network (affine_grid + grid_sample)
def spatial_transformer(torch, align_corners):
    nn, F = torch.nn, torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, kernel_size=5)
            self.fc1 = nn.Linear(4 * 4 * 4, 10)
            self.localization = nn.Sequential(nn.Conv2d(1, 4, kernel_size=7), nn.MaxPool2d(2, stride=2), nn.ReLU(True))
            self.fc_loc = nn.Sequential(nn.Linear(4 * 3 * 3, 16), nn.ReLU(True), nn.Linear(16, 3 * 2))
            self.fc_loc[2].weight.data.zero_()
            self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))
        def stn(self, x):
            xs = self.localization(x)
            xs = xs.view(-1, 4 * 3 * 3)
            theta = self.fc_loc(xs)
            theta = theta.view(-1, 2, 3)
            grid = F.affine_grid(theta, x.size(), align_corners=align_corners)
            return F.grid_sample(x, grid, align_corners=align_corners)
        def forward(self, x):
            x = self.stn(x)
            x = F.relu(F.max_pool2d(self.conv1(x), 2))
            x = x.view(-1, 4 * 4 * 4)
            return F.log_softmax(self.fc1(x), dim=1)

    torch.manual_seed(0)
    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    data, target = torch.rand(4, 1, 12, 12), torch.tensor([1, 5, 2, 7])
    losses = []
    for step in range(3):
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad(): warped = model.stn(data)
    return losses, warped, model.fc_loc[2].bias, model.fc_loc[2].weight.grad


@pytest.mark.parametrize("align_corners", [False, True])
def test_spatial_transformer(align_corners): run_both(spatial_transformer, align_corners, rtol=1e-4, atol=1e-5)


def test_linspace_bit_exact():
    "torch.linspace in float32 is reproduced bit for bit (tutorials feed it to sin, affine grids, ...)."
    for a, b in ((-1, 1), (-math.pi, math.pi), (0, 10), (2, -3)):
        for n in (1, 2, 7, 16, 28, 200, 2000):
            np.testing.assert_array_equal(T.linspace(a, b, n).numpy(), torch.linspace(a, b, n).numpy())


# ---------------------------------------------------------------- 25. What tutorials print
def printouts(torch):
    torch.manual_seed(0)
    nn = torch.nn
    x = torch.rand(2, 3)
    w = torch.randn(3, requires_grad=True)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Dropout(0.25),
                          nn.Flatten(), nn.LazyLinear(10) if False else nn.Linear(64, 10), nn.LogSoftmax(dim=1))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.1)
    return [str(x), str(w), str(w * 2), str(torch.tensor([[1, 2], [3, 4]])), str(torch.tensor([True, False])),
            str(torch.zeros(2, 2, dtype=torch.float64)), str(torch.arange(12).view(3, 4)), str(torch.tensor(3.5)),
            str(torch.tensor([1e-5, 1.0, 1e5])), str(torch.tensor([0.1, 0.25])), str(torch.ones(3, dtype=torch.int32)),
            str(x.mean(dim=1, keepdim=True)), str(x.shape), str(x.dtype), str(x.device), repr(torch.device('cpu')),
            str(model), str(torch.randn(2, 2).requires_grad_()), str(torch.linspace(0, 1, 5)), str(torch.empty(0)),
            str(torch.tensor([float('nan'), float('inf'), -1.0])), str(sched.get_last_lr()), str(list(x.size())),
            str(torch.tensor([[1.5, -2.25], [1000.0, 3.0]])), str(torch.randn(1, 1, 2, 2))]


def test_printouts():
    ref, got = to_py(printouts(torch)), to_py(printouts(T))
    for i, (a, b) in enumerate(zip(ref, got)): assert a == b, f"printout {i}:\n{a}\n!=\n{b}"


def imbalanced(torch):
    TensorDataset, DataLoader = torch.utils.data.TensorDataset, torch.utils.data.DataLoader
    WeightedRandomSampler = torch.utils.data.WeightedRandomSampler
    torch.manual_seed(0)
    y = torch.tensor([0] * 12 + [1] * 4)
    x = torch.randn(16, 3)
    class_counts = torch.bincount(y)
    weights = 1.0 / class_counts[y].float()
    sampler = WeightedRandomSampler(weights, num_samples=len(weights), replacement=True)
    loader = DataLoader(TensorDataset(x, y), batch_size=4, sampler=sampler)
    batches = [(xb, yb) for xb, yb in loader]
    return class_counts, weights, batches, list(sampler), len(sampler)


def test_imbalanced(): run_both(imbalanced)


def test_autograd_mechanics_errors():
    "The errors the autograd tutorials warn about, same types in both libraries."
    for lib in (torch, T):
        w = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError): w += 1                                   # in-place on a leaf that requires grad
        a = lib.ones(3, requires_grad=True)
        b = a.sigmoid()
        c = b * 2
        d = b.exp()
        b.mul_(2)                                                                  # b was saved by exp: backward must fail
        with pytest.raises(RuntimeError): d.sum().backward()
        with pytest.raises(RuntimeError): lib.tensor([1, 2], requires_grad=True)   # integer tensors cannot require grad
        with pytest.raises(RuntimeError): lib.nn.Linear(3, 2)(lib.ones(2, 3, dtype=lib.float64))
        with pytest.raises(TypeError): lib.optim.SGD(lib.ones(2, requires_grad=True), lr=0.1)
        with pytest.raises(RuntimeError): lib.nn.functional.cross_entropy(lib.zeros(4, 3), lib.zeros(4, 3, 2))
        with lib.no_grad():
            w.add_(1)                                                              # allowed under no_grad
        assert w.tolist() == [2.0, 2.0]


# ---------------------------------------------------------------- 26. Super-resolution (PixelShuffle) and a small LLaMA-style block
def super_resolution(torch):
    nn, F = torch.nn, torch.nn.functional

    class SuperResolutionNet(nn.Module):
        def __init__(self, upscale_factor):
            super().__init__()
            self.relu = nn.ReLU()
            self.conv1 = nn.Conv2d(1, 8, (5, 5), (1, 1), (2, 2))
            self.conv2 = nn.Conv2d(8, 8, (3, 3), (1, 1), (1, 1))
            self.conv3 = nn.Conv2d(8, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
            self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
            self._initialize_weights()
        def forward(self, x):
            x = self.relu(self.conv1(x))
            x = self.relu(self.conv2(x))
            return self.pixel_shuffle(self.conv3(x))
        def _initialize_weights(self):
            nn.init.orthogonal_(self.conv1.weight, nn.init.calculate_gain('relu'))
            nn.init.orthogonal_(self.conv2.weight, nn.init.calculate_gain('relu'))
            nn.init.orthogonal_(self.conv3.weight)

    class Block(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.norm = nn.RMSNorm(d)
            self.up = nn.Linear(d, 4 * d)
            self.glu = nn.GLU()
            self.down = nn.Linear(2 * d, d)
        def forward(self, x): return x + self.down(self.glu(self.up(self.norm(x))))

    torch.manual_seed(0)
    net = SuperResolutionNet(upscale_factor=3)
    x = torch.rand(2, 1, 6, 6)
    y = net(x)
    F.mse_loss(y, torch.rand(2, 1, 18, 18)).backward()
    blk = Block(8)
    h = torch.randn(2, 5, 8, requires_grad=True)
    o = blk(h)
    o.pow(2).mean().backward()
    return (y, net.conv3.weight.grad, str(net), o, h.grad, blk.norm.weight.grad, str(blk),
            F.pixel_unshuffle(y, 3), F.rms_norm(h, (8,), eps=1e-6), F.glu(h, 1 if False else -1))


def test_super_resolution(): run_both(super_resolution, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- 27. Introduction to PyTorch: tensors in depth (and RNG draws)
def tensors_in_depth(torch):
    out = {}
    torch.manual_seed(1729)
    out['r1'] = torch.rand(2, 3)
    out['i16'] = torch.ones((2, 3), dtype=torch.int16) * 2
    out['toint'] = (torch.rand(2, 3) * 20).to(torch.int32)
    a = torch.rand(2, 2)
    out['pow'] = a * 2 ** torch.ones(2, 2)
    out['sqrt'] = torch.ones(2, 2) * 2 ** 0.5
    b = torch.tensor([[1, 2], [3, 4]])
    out['bx'] = torch.bitwise_xor(b, torch.tensor([[3, 3], [3, 3]]))
    out['eq'] = torch.eq(torch.tensor([[1., 2.], [3, 4]]), torch.ones(1, 2))
    d = torch.tensor([[1., 2.], [3., 4.]])
    out['max'] = torch.max(d); out['mean'] = torch.mean(d); out['std'] = torch.std(d); out['prod'] = torch.prod(d)
    out['std_mean'] = torch.std_mean(d); out['unique'] = torch.unique(torch.tensor([1, 2, 1, 1, 2]))
    v1, v2 = torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.])
    out['cross'] = torch.linalg.cross(v2, v1)
    m1 = torch.rand(2, 2); m2 = torch.tensor([[3., 0.], [0., 3.]])
    out['matmul'] = torch.matmul(m1, m2)
    out['svd'] = torch.svd(torch.matmul(m1, m2)).S
    out['det'] = torch.det(m2)
    a = torch.tensor([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4])
    out['sin'] = torch.sin(a); a.sin_(); out['a_after'] = a
    b = torch.rand(2, 2); c = torch.zeros(2, 2); old_id = id(c)
    r = torch.matmul(b, torch.rand(2, 2), out=c); out['same'] = (id(r) == old_id, id(c) == old_id)
    a = torch.ones(4, 3, 2); b2 = torch.rand(3); c2 = b2.unsqueeze(1)
    out['bcast'] = (a * c2).shape
    c3 = torch.rand(1, 1, 1, 1, 1); out['sq'] = c3.squeeze().shape
    out3 = torch.rand(6, 20, 20); out['reshape'] = torch.reshape(out3, (6 * 20 * 20,)).shape
    na = np.ones((2, 3)); pt = torch.from_numpy(na); na[1, 1] = 23; out['np'] = pt
    pr = torch.rand(2, 3); npr = pr.numpy(); pr[1, 1] = 17; out['np2'] = npr.copy()
    out['masked'] = torch.masked_fill(torch.arange(4.), torch.tensor([True, False, True, False]), -1.)
    x = torch.randn(3, requires_grad=True); y = x * 2
    while y.data.norm() < 1000: y = y * 2
    v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float); y.backward(v); out['xg'] = x.grad
    out['norm'] = torch.norm(torch.tensor([3., 4.])); out['lnorm'] = torch.linalg.norm(torch.tensor([[1., 2.], [3., 4.]]))
    out['cumsum'] = torch.cumsum(torch.arange(5), 0); out['tril'] = torch.tril(torch.ones(3, 3))
    out['outer'] = torch.outer(torch.arange(3.), torch.arange(2.)); out['flip'] = torch.flip(torch.arange(4), [0])
    out['gather'] = torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]]))
    out['scatter'] = torch.zeros(3, 5).scatter_(1, torch.tensor([[0, 1, 2], [0, 1, 4]]), 1.0)[:2]
    out['mm'] = torch.mm(torch.ones(2, 3), torch.ones(3, 1)); out['bmm'] = torch.bmm(torch.ones(2, 2, 3), torch.ones(2, 3, 1)).shape
    out['argsort'] = torch.argsort(torch.tensor([3, 1, 2]), descending=True)
    out['multinomial'] = torch.multinomial(torch.tensor([0.1, 0.5, 0.4]), 3, replacement=True)
    out['bern'] = torch.bernoulli(torch.full((5,), 0.5)); out['normal'] = torch.normal(0., 1., size=(3,))
    out['randn_like'] = torch.randn_like(torch.ones(2)); out['randint_like'] = torch.randint_like(torch.ones(3), 10)
    out['histc'] = torch.histc(torch.tensor([1., 2., 1.]), bins=4, min=0, max=3)
    out['meshgrid'] = torch.meshgrid(torch.arange(2), torch.arange(3), indexing='ij')
    out['lerp'] = torch.lerp(torch.zeros(2), torch.ones(2), 0.3)
    out['logsumexp'] = torch.logsumexp(torch.tensor([1., 2.]), 0)
    out['isin'] = (torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2])), torch.isin(torch.tensor([1., 2.]), 2.0))
    out['chunk'] = torch.arange(6).view(2, 3).T.contiguous().is_contiguous()
    out['dropout'] = torch.nn.functional.dropout(torch.ones(8), 0.5)
    out['drop_mod'] = torch.nn.Dropout(0.3)(torch.ones(2, 4))
    out['uniform'] = torch.empty(3).uniform_(-1, 1); out['normal_'] = torch.empty(3).normal_(0, 2)
    out['exp_'] = torch.empty(3).exponential_()
    out['shuffle_perm'] = torch.randperm(10)[:4]
    return out


def test_tensors_in_depth(): run_both(tensors_in_depth)


# ---------------------------------------------------------------- 28. Text classification with nn.EmbeddingBag and offsets
def text_embedding_bag(torch, mode):
    nn = torch.nn

    class TextClassificationModel(nn.Module):
        def __init__(self, vocab_size, embed_dim, num_class):
            super().__init__()
            self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False, mode=mode)
            self.fc = nn.Linear(embed_dim, num_class)
            self.init_weights()
        def init_weights(self):
            initrange = 0.5
            self.embedding.weight.data.uniform_(-initrange, initrange)
            self.fc.weight.data.uniform_(-initrange, initrange)
            self.fc.bias.data.zero_()
        def forward(self, text, offsets):
            return self.fc(self.embedding(text, offsets))

    def collate_batch(batch):
        label_list, text_list, offsets = [], [], [0]
        for _label, _text in batch:
            label_list.append(_label)
            processed_text = torch.tensor(_text, dtype=torch.int64)
            text_list.append(processed_text)
            offsets.append(processed_text.size(0))
        label_list = torch.tensor(label_list, dtype=torch.int64)
        offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
        text_list = torch.cat(text_list)
        return label_list, text_list, offsets

    torch.manual_seed(0)
    data = [(i % 4, [(3 * i + k) % 30 for k in range(2 + i % 5)]) for i in range(16)]
    dataloader = torch.utils.data.DataLoader(data, batch_size=8, shuffle=True, collate_fn=collate_batch)
    model = TextClassificationModel(30, 8, 4)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=5)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
    log = []
    for epoch in range(2):
        model.train()
        total_acc, total_count = 0, 0
        for idx, (label, text, offsets) in enumerate(dataloader):
            optimizer.zero_grad()
            predicted_label = model(text, offsets)
            loss = criterion(predicted_label, label)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            optimizer.step()
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
            log.append((loss.item(), offsets))
        scheduler.step()
    bag2d = model.embedding(torch.tensor([[1, 2, 3], [4, 5, 6]]))
    return log, total_acc, model.embedding.weight[:5], bag2d, str(model)


@pytest.mark.parametrize("mode", ["mean", "sum", "max"])
def test_text_embedding_bag(mode): run_both(text_embedding_bag, mode, rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- 29. Building models: containers, init, hooks, norms, losses
def building_models(torch):
    nn = torch.nn; out = {}
    torch.manual_seed(0)
    seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    out['slice'] = str(seq[:2]); seq.append(nn.Softmax(dim=1)); out['len'] = len(seq)
    seq.add_module('extra', nn.Identity()); out['names'] = [n for n, _ in seq.named_children()]
    out['sub'] = str(seq.get_submodule('0'))
    ml = nn.ModuleList([nn.Linear(2, 2)]); ml.extend([nn.ReLU()]); ml.insert(0, nn.Tanh()); out['ml'] = str(ml)
    pl = nn.ParameterList([nn.Parameter(torch.ones(2))]); out['pl'] = [p.shape for p in pl]
    lin = nn.Linear(5, 3)
    nn.init.kaiming_normal_(lin.weight, mode='fan_out', nonlinearity='relu'); out['kn'] = lin.weight.clone()
    nn.init.trunc_normal_(lin.weight, std=0.02); out['tn'] = lin.weight.clone()
    nn.init.xavier_normal_(lin.weight); out['xn'] = lin.weight.clone()
    nn.init.zeros_(lin.bias); nn.init.uniform_(lin.bias, -0.1, 0.1); out['ub'] = lin.bias.clone()
    emb = nn.Embedding.from_pretrained(torch.tensor([[1., 2.], [3., 4.]]), freeze=True); out['emb'] = (emb(torch.tensor([1])), emb.weight.requires_grad)
    out['p2v'] = nn.utils.parameters_to_vector(lin.parameters())
    out['recurse'] = len(list(seq.parameters(recurse=False)))
    grads = []
    h = lin.register_full_backward_hook(lambda m, gi, go: grads.append((go[0].clone(), gi[0].clone() if gi[0] is not None else None)))
    x = torch.randn(2, 5, requires_grad=True); lin(x).sum().backward(); h.remove(); out['bhook'] = grads
    sd = lin.state_dict(); out['sd'] = list(sd.keys()); out['sd_req'] = sd['weight'].requires_grad
    lin.half(); out['half'] = lin.weight.dtype; lin.float(); out['float'] = lin.weight.dtype
    out['mods'] = [type(m).__name__ for m in seq.modules()]
    out['train'] = seq.train(False).training
    bn = nn.BatchNorm1d(3); bn(torch.randn(4, 3)); out['bn'] = (bn.running_mean, bn.running_var, bn.num_batches_tracked, list(bn.state_dict()))
    ln = nn.LayerNorm([3]); out['ln'] = ln(torch.randn(2, 3))
    out['celoss_ls'] = nn.CrossEntropyLoss(label_smoothing=0.1)(torch.randn(4, 3), torch.tensor([0, 1, 2, 1])).float()  # see below
    out['celoss_probs'] = nn.CrossEntropyLoss()(torch.randn(2, 3), torch.softmax(torch.randn(2, 3), 1))
    out['celoss_w'] = nn.CrossEntropyLoss(weight=torch.tensor([1., 2., 3.]), ignore_index=1)(torch.randn(4, 3), torch.tensor([0, 1, 2, 2]))
    out['bce_pos'] = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.]))(torch.randn(4, 1), torch.ones(4, 1))
    out['nll2d'] = nn.NLLLoss()(torch.randn(2, 3, 4, 4).log_softmax(1), torch.randint(0, 3, (2, 4, 4)))
    out['kl'] = nn.KLDivLoss(reduction='batchmean')(torch.randn(2, 3).log_softmax(1), torch.softmax(torch.randn(2, 3), 1))
    out['huber'] = nn.HuberLoss(delta=0.5)(torch.randn(5), torch.randn(5))
    out['cos'] = nn.CosineEmbeddingLoss()(torch.randn(3, 4), torch.randn(3, 4), torch.tensor([1, -1, 1]))
    out['triplet'] = nn.TripletMarginLoss()(torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4))
    out['margin'] = nn.MarginRankingLoss()(torch.randn(3), torch.randn(3), torch.tensor([1., -1., 1.]))
    out['upsample'] = nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False)(torch.rand(1, 1, 2, 2))
    out['interp'] = nn.functional.interpolate(torch.rand(1, 1, 3, 3), size=(5, 5), mode='bilinear', align_corners=False)
    return out


def test_building_models(): run_both(building_models)



def test_cross_entropy_label_smoothing_dtype():
    x, y = T.randn(4, 3), T.tensor([0, 1, 2, 1])
    assert T.nn.functional.cross_entropy(x, y, label_smoothing=0.1).dtype == T.float32
