"""The code of the PyTorch tutorials in ../shared/seeds/ run with `import tinygrad_edu as torch` and with PyTorch.

One test per tutorial section (the seed file and its section heading are in each test's name and docstring).
Each snippet is the tutorial's text (obvious typos fixed, noted where done); `same` runs it with both
libraries and compares everything printed plus the named variables (values, dtypes, shapes, grads).
"""
import os, pickle
import numpy as np
import pytest
import torch
import tinygrad_edu as tg
from seedrun import same, same_error, run, check, needs_nn, needs_optim

# =====================================================================================================
# seed 000: "Pytorch学习总结" (PyTorch learning summary)
# =====================================================================================================

def test_s000_1_1_1_empty():
    "一、1.1 (1) 创建未初始化的Tensor: values are arbitrary, so compare shape/dtype only."
    no, nt = same("""
        import torch
        x = torch.empty(5, 3)
        print(x.shape, x.dtype)
    """)
    check(no['x'].shape, nt['x'].shape)

def test_s000_1_1_2_rand_randperm_arange_linspace():
    "一、1.1 (2) 创建随机初始化的Tensor; torch.randperm(10), torch.arange(10, 30, 5), torch.linspace(2, 10, steps=9)"
    same("""
        import torch
        x = torch.rand(5, 3)
        print(x)
        print(torch.randperm(10))
        print(torch.linspace(2, 10, steps = 9))
        print(torch.arange(10, 30, 5))
    """, names=['x'])

def test_s000_1_1_3to7_creation():
    "一、1.1 (3) zeros long, (4) from data, (5) new_ones/rand_like, (6) size/shape, (7) linspace"
    same("""
        import torch
        x = torch.zeros(5, 3, dtype = torch.long)
        print(x)
        x = torch.tensor([5.5, 3])
        print(x)
        x = x.new_ones(5, 3, dtype = torch.float64)
        print(x)
        x = torch.rand_like(x, dtype = torch.float64)
        print(x)
        print(x.size())
        print(x.shape)
        print(x.size() == (5, 3), x.shape[0], len(x.size()), x.size()[1:])
        torch.linspace(2, 10, steps = 9)
    """, names=['x'])

SETUP_000 = """
        import torch
        x = torch.zeros(5, 3, dtype=torch.long)
        x = torch.tensor([5.5, 3])
        x = x.new_ones(5, 3, dtype=torch.float64)
        x = torch.rand_like(x, dtype=torch.float64)
"""

def test_s000_1_2_1_arithmetic():
    "一、1.2.1 算术操作: x + y, torch.add(x, y), torch.add(x, y, out=result), y.add_(x) (float64 + float32)"
    same(SETUP_000 + """
        y = torch.rand(5, 3)
        print(x + y)
        print(torch.add(x, y))
        result = torch.empty(5, 3)
        torch.add(x, y, out = result)
        print(result)
        y.add_(x)
        print(y)
    """, names=['x', 'y', 'result'])

def test_s000_1_2_2_indexing_shares_memory():
    "一、1.2.2 索引: y = x[0, :]; y += 1 changes x"
    same(SETUP_000 + """
        y = x[0, :]
        y += 1
        print(y)
        print(x[0, :]) # 观察x是否改变了
    """, names=['x', 'y'])

def test_s000_1_2_3_view_clone_item():
    "一、1.2.3 改变形状: view shares memory, clone().view copies, item()"
    same(SETUP_000 + """
        y = x.view(15)
        z = x.view(-1, 5)
        print(x.size(), y.size(), z.size())
        x += 1
        print(x)
        print(y)
        x_cp = x.clone().view(15)
        x -= 1
        print(x)
        print(x_cp)
        x = torch.randn(1)
        print(x)
        print(x.item())
    """, names=['x', 'y', 'z', 'x_cp'])

def test_s000_1_3_broadcasting():
    "一、1.3 广播机制"
    same("""
        import torch
        x = torch.arange(1, 3).view(1, 2)
        print(x)
        y = torch.arange(1, 4).view(3, 1)
        print(y)
        print(x + y)
    """, names=['x', 'y'])

def test_s000_1_4_numpy_bridge():
    "一、1.4 Tensor和Numpy相互转化: numpy() and from_numpy() share memory"
    same("""
        import torch
        a = torch.ones(5)
        b = a.numpy()
        print(a, b)
        a += 1
        print(a, b)
        b += 1
        print(a, b)
        import numpy as np
        a = np.ones(5)
        b = torch.from_numpy(a)
        print(a, b)
        a += 1
        print(a, b)
        b += 1
        print(a, b)
    """, names=['b'])

AUTOGRAD_000 = """
        import torch
        x = torch.ones(2, 2, requires_grad=True)
        print(x)
        print(x.grad_fn)
        y = x + 2
        print(y)
        print(y.grad_fn)
        print(x.is_leaf, y.is_leaf)
        z = y * y * 3
        out = z.mean()
        print(z, out)
"""

def test_s000_2_1_tensor_grad_fn():
    "二、2.1 张量及张量的求导: requires_grad, grad_fn (AddBackward0, MulBackward0, MeanBackward0), is_leaf"
    same(AUTOGRAD_000, names=['x', 'y', 'z', 'out'])

def test_s000_2_1_requires_grad_():
    "二、2.1 requires_grad_( … ) 改变requires_grad 的属性"
    same("""
        import torch
        a = torch.randn(2, 2)
        a = ((a * 3)/(a - 1))
        print(a.requires_grad)
        a.requires_grad_(True)
        print(a.requires_grad)
        b = (a * a).sum()
        print(b.grad_fn)
    """, names=['a', 'b'])

def test_s000_2_2_backward_accumulates():
    "二、2.2 梯度: out.backward(); grads accumulate; x.grad.data.zero_()"
    same(AUTOGRAD_000 + """
        out.backward()
        print(x.grad)
        out2 = x.sum()
        out2.backward()
        print(x.grad)
        out3 = x.sum()
        x.grad.data.zero_()
        out3.backward()
        print(x.grad)
    """, names=['x'])

NET_000 = """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 6, 3)
            self.conv2 = nn.Conv2d(6, 16, 3)
            self.fc1 = nn.Linear(16*6*6, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)
        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, self.num_flat_features(x))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x
        def num_flat_features(self, x):
            size = x.size()[1:]
            num_features = 1
            for s in size:
                num_features *= s
            print(num_features)
            return num_features
    net = Net()
    print(net)
    params = list(net.parameters())
    print(len(params))
    print(params[0].size())
"""

def _copy_params(no, nt, name='net'):
    "Give our model torch's initial weights (so forward values can be compared)."
    sd = {k: tg.tensor(v.detach().numpy().copy()) for k, v in nt[name].state_dict().items()}
    no[name].load_state_dict(sd)

@needs_nn
def test_s000_3_1_define_network():
    "三、3.1 定义网络: print(net), parameters, forward on a 32x32 input, zero_grad, backward(randn(1, 10))"
    no, nt = same(NET_000, names=['params'])
    code = """
        input = torch.randn(1, 1, 32, 32)
        out = net(input)
        print(out.shape, out.grad_fn)
        net.zero_grad()
        out.backward(torch.randn(1, 10))
    """
    _copy_params(no, nt)
    _, nt = run(code, False, ns=nt); _, no = run(code, True, ns=no)
    check(no['out'], nt['out'], atol=1e-5)
    check(list(no['net'].parameters()), list(nt['net'].parameters()), atol=1e-4)

@needs_optim
def test_s000_3_2_3_3_loss_and_sgd():
    "三、3.2 损失函数 (MSELoss with a broadcast target) and 3.3 更新权重 (optim.SGD): same loss and updated weights"
    no, nt = same(NET_000)
    _copy_params(no, nt)
    code = """
        input = torch.randn(1, 1, 32, 32)
        output = net(input)
        target = torch.randn(10)
        target = target.view(-1,1)
        criterion = nn.MSELoss()
        loss = criterion(output,target)
        print(loss)
        import torch.optim as optim
        optimizer = optim.SGD(net.parameters(), lr = 0.01)
        optimizer.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
    """
    ot, nt = run(code, False, ns=nt); oo, no = run(code, True, ns=no)
    check(no['loss'], nt['loss'], atol=1e-5)
    check(list(no['net'].parameters()), list(nt['net'].parameters()), atol=1e-4)

@needs_nn

def test_s000_3_2_grad_fn_chain():
    "三、3.2 print(loss.grad_fn), .next_functions[0][0] (ExpandBackward0), and the next one (AddmmBackward0)"
    no, nt = same(NET_000)
    code = """
        input = torch.randn(1, 1, 32, 32)
        output = net(input)
        target = torch.randn(10).view(-1, 1)
        loss = nn.MSELoss()(output, target)
        print(loss.grad_fn)
        print(loss.grad_fn.next_functions[0][0])
        print(loss.grad_fn.next_functions[0][0].next_functions[0][0])
    """
    ot, nt = run(code, False, ns=nt); oo, no = run(code, True, ns=no)
    assert oo == ot

def test_s000_5_cuda_device_selection():
    "五、GPU跑深度学习: is_available / device choice (the GPU-only get_device_name runs only with a GPU)"
    no, nt = same("""
        import torch
        flag = torch.cuda.is_available()
        ngpu= 1
        device = torch.device("cuda:0" if (torch.cuda.is_available() and ngpu > 0) else "cpu")
    """, output=False)
    assert isinstance(no['flag'], bool)
    assert str(no['device']) == ('cuda:0' if no['flag'] else 'cpu')
    if not nt['flag']: assert str(nt['device']) == 'cpu'
    if no['flag']:
        assert isinstance(tg.cuda.get_device_name(0), str)

@pytest.mark.skipif(not tg.cuda.is_available(), reason="no CUDA GPU: torch.cuda.get_device_name(0) and .to('cuda') not run")
def test_s000_5_gpu_name_and_tensors_on_gpu():
    "五、GPU跑深度学习: print('GPU型号: ', torch.cuda.get_device_name(0)); tensors moved to cuda:0 compute there"
    _, g = run("""
        import torch
        device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
        name = torch.cuda.get_device_name(0)
        x = torch.ones(3, 3).to(device)
        y = (x @ x).sum().item()
    """, True)
    assert isinstance(g['name'], str) and g['name'] and g['y'] == 27.0 and str(g['x'].device) == 'cuda:0'

@needs_nn
def test_s000_6_1_linear():
    "六、1. torch.nn.Linear(a, b): weight (30, 20), output == mm(x, W.t()) + b"
    no, nt = same("""
        import torch
        x = torch.randn(128, 20)
        m = torch.nn.Linear(20, 30)
        output = m(x)
        print('m.weight.shape:\\n ', m.weight.shape)
        print('m.bias.shape:\\n', m.bias.shape)
        print('output.shape:\\n', output.shape)
        ans = torch.mm(x, m.weight.t()) + m.bias
        print('ans.shape:\\n', ans.shape)
        eq = torch.equal(ans, output)
    """)
    assert no['eq'] or np.allclose(no['ans'].detach().numpy(), no['output'].detach().numpy(), atol=1e-6)

def test_s000_6_3_tensor_dtype_conversion():
    "六、3. tensor转int/float格式: torch.tensor(a_tensor, dtype=...)"
    same("""
        import torch
        a = [1, 2, 3, 4]
        a1 = torch.tensor(a)
        a_float = torch.tensor(a1, dtype=torch.float32)
        a_int64 = torch.tensor(a1, dtype=torch.int64)
        print(a1.dtype)
        print(a_float.dtype)
        print(a_int64.dtype)
    """, names=['a1', 'a_float', 'a_int64'])

@needs_nn
def test_s000_6_4_kaiming_normal_on_unsqueezed():
    "六、4. 一维增加为二维: kaiming_normal_ on weight.unsqueeze(0) for 1-d parameters"
    no, nt = same("""
        import torch
        m = torch.nn.Linear(4, 3)
        def reset_parameters(self, initializer=None):
            for weight in self.parameters():
                if len(weight.shape) < 2:
                    torch.nn.init.kaiming_normal_(weight.unsqueeze(0))
                else:
                    torch.nn.init.kaiming_normal_(weight)
        with torch.no_grad():
            reset_parameters(m)
        w, b = m.weight, m.bias
    """)
    check(no['w'], nt['w']); check(no['b'], nt['b'])

def test_s000_6_5_flatten():
    "六、5. flatten压平操作: torch.tensor(range(...)).view(...), torch.flatten(start_dim, end_dim)"
    same("""
        import torch
        input1 = torch.tensor(range(2*3*4*5)).view(2, 3, 4, 5)
        s = torch.flatten(input1, start_dim = 1, end_dim=2).shape
        print(s)
    """, names=['input1', 's'])

def test_s000_6_6_einsum():
    "六、6. 万能einsum函数的用法 (all nine examples, and bmm on int64)"
    same("""
        import torch
        import numpy as np
        a, b = np.arange(6.).reshape(2, 3), np.arange(12.).reshape(3, 4)
        c = np.einsum('ij,jk->ik', a, b)
        A = torch.randn(3, 4, 5)
        B = torch.einsum("ijk->ikj", A)
        print(A.shape, "\\n", B.shape, "\\n", "======")
        B1 = B
        A = torch.randn(5, 5)
        B = torch.einsum("ii->i", A)
        print(A.shape, "\\n", B.shape, "\\n", "======")
        B2 = B
        A = torch.randn(4, 5)
        B = torch.einsum("ij->i", A)
        print(A.shape, "\\n", B.shape, "\\n", "======")
        B3 = B
        A = torch.randn(3, 4)
        B = torch.randn(3, 4)
        C = torch.einsum("ij, ij->ij", A, B)
        print(A.shape, "\\n", B.shape, "\\n", C.shape, "\\n", "======")
        C4 = C
        A = torch.randn(10)
        B = torch.randn(10)
        C = torch.einsum("i,i->",A,B)
        C5, D5 = C, torch.dot(A, B)
        A = torch.randn(10)
        B = torch.randn(5)
        C = torch.einsum("i,j->ij",A,B)
        C6, D6 = C, torch.outer(A, B)
        A = torch.randn(5,4)
        B = torch.randn(4,6)
        C = torch.einsum("ik,kj->ij",A,B)
        C7, D7 = C, torch.matmul(A, B)
        A = torch.randn(3,4,5)
        B = torch.randn(4,3,6)
        C = torch.einsum("ijk,jih->kh",A,B)
        C8, D8 = C, torch.tensordot(A,B,dims=[(0,1),(1,0)])
        batch_tensor_1 = torch.arange(2 * 4 * 3).reshape(2, 4, 3)
        batch_tensor_2 = torch.arange(2 * 3 * 4).reshape(2, 3, 4)
        C9 = torch.bmm(batch_tensor_1, batch_tensor_2)
        D9 = torch.einsum("bij, bjk -> bik", batch_tensor_1, batch_tensor_2)
    """, names=['B1', 'B2', 'B3', 'C4', 'C5', 'D5', 'C6', 'D6', 'C7', 'D7', 'C8', 'D8', 'C9', 'D9'])

def test_s000_6_7_seed():
    "六、7. random和seed种子设置 (tensorflow left out): torch.manual_seed(1); torch.randn(5)"
    same("""
        import random
        import numpy as np
        import torch
        seed = 1
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        list = [1,2,3,4,5,6,7,8,9]
        a = random.sample(list,5)
        b = np.random.randn(5)
        d = torch.randn(5)
        print('python内置输出:',a)
        print('numpy输出:',b)
        print('pytorch输出',d)
    """, names=['d'], seed=123)

def test_s000_6_8_matmul_family():
    "六、8. 矩阵乘法: mm, bmm, mul, mv, matmul (broadcasting), @, *"
    same("""
        import torch
        l, m, n, b, c = 2, 3, 4, 5, 2
        A, B = torch.randn(l, m), torch.randn(m, n)
        r_mm = torch.mm(A, B)
        X, Y = torch.randn(b, l, m), torch.randn(b, m, n)
        r_bmm = torch.bmm(X, Y)
        r_mul = torch.mul(A, torch.randn(l, m))
        v = torch.randn(m)
        r_mv = torch.mv(A, v)
        r1 = torch.matmul(X, Y)
        r2 = torch.matmul(A, Y)
        r3 = torch.matmul(torch.randn(b, c, l, m), torch.randn(b, c, m, n))
        r4 = torch.matmul(A, v)
        r5 = A @ B
        r6 = A * A
        print(r_mm.shape, r_bmm.shape, r_mul.shape, r_mv.shape, r1.shape, r2.shape, r3.shape, r4.shape)
    """, names=['r_mm', 'r_bmm', 'r_mul', 'r_mv', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'])

def test_s000_6_9_collate_fn_pad_sequence():
    "六、9. dataloader中使用自定义collate_fn函数 (pad_sequence, pprint of the batches)"
    same("""
        import torch
        from torch.utils.data import DataLoader
        from torch.nn.utils.rnn import pad_sequence
        from pprint import pprint
        nlp_data = [
            {'tokenized_input': [1, 4, 5, 9, 3, 2], 'label':0},
            {'tokenized_input': [1, 7, 3, 14, 48, 7, 23, 154, 2], 'label':0},
            {'tokenized_input': [1, 30, 67, 117, 21, 15, 2], 'label':1},
            {'tokenized_input': [1, 17, 2], 'label':0},
        ]
        def custom_collate(data):
            inputs = [torch.tensor(d['tokenized_input']) for d in data]
            labels = [d['label'] for d in data]
            inputs = pad_sequence(inputs, batch_first=True)
            labels = torch.tensor(labels)
            return {'tokenized_input': inputs, 'label': labels}
        loader = DataLoader(nlp_data, batch_size=2, shuffle=False, collate_fn=custom_collate)
        iter_loader = iter(loader)
        batch1 = next(iter_loader)
        pprint(batch1)
        batch2 = next(iter_loader)
        pprint(batch2)
    """, names=['batch1', 'batch2'])

@needs_nn
def test_s000_6_10_eval_no_grad():
    "六、10. 预测阶段别漏了eval: model.eval(); with torch.no_grad(): model(data)"
    no, nt = same("""
        import torch
        model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.Dropout(0.5), torch.nn.Linear(8, 2))
        data = torch.randn(3, 4)
        model.eval()
        with torch.no_grad():
            out_data = model(data)
        print(model.training, out_data.requires_grad, out_data.shape)
    """)
    _copy_params(no, nt, 'model')
    _, nt = run("with torch.no_grad(): out_data = model(data)", False, ns=nt)
    _, no = run("with torch.no_grad(): out_data = model(data)", True, ns=no)
    check(no['out_data'], nt['out_data'])

def test_s000_4_dataset_add():
    "四、数据集加载 1.dataset: Dataset has __add__, so dataset objects concatenate with + (a ConcatDataset)"
    same("""
        import torch
        from torch.utils.data import TensorDataset, ConcatDataset
        a = TensorDataset(torch.arange(3))
        b = TensorDataset(torch.arange(10, 12))
        c = a + b
        print(type(c).__name__, len(c), c[3], c.cumulative_sizes)
        d = ConcatDataset([a, b, a])
        print(len(d), d[-1])
    """)

# =====================================================================================================
# seed 001: "10个你一定要知道的Pytorch特性" (10 PyTorch features)
# =====================================================================================================

def test_s001_1_dataset_folder(tmp_path):
    "1. DatasetFolder: text files in class folders, custom loader/extensions/transform"
    for cls, n in (('novels', 12), ('thrillers', 8)):
        (tmp_path / cls).mkdir()
        for i in range(n): (tmp_path / cls / f'file{i}.txt').write_text(f'{cls} {i} ' * 30)
    (tmp_path / 'novels' / 'skip.md').write_text('not a txt')
    _, g = run(f"""
        from torchvision.datasets import DatasetFolder
        from pathlib import Path
        ds = DatasetFolder({str(tmp_path)!r},
            loader=lambda path: Path(path).read_text(),
            extensions=(".txt",),
            transform=lambda text: text[:100],
        )
        res = len(ds), ds.classes, ds.class_to_idx
        sample, target = ds[0]
    """, True)
    assert g['res'] == (20, ['novels', 'thrillers'], {'novels': 0, 'thrillers': 1})
    assert g['sample'] == ('novels 0 ' * 30)[:100] and g['target'] == 0
    assert g['ds'][19][1] == 1

def test_s001_2_like_constructors():
    "2. 尽量少用.to(device), 用zeros_like/ones_like之类的代替 (and torch.zeros(size, dtype, layout, device))"
    no, nt = same("""
        import torch
        my_output = torch.randn(2, 3, dtype=torch.float64)
        my_zeros = torch.zeros_like(my_output)
        z2 = torch.zeros(my_output.size(), dtype=my_output.dtype, layout=my_output.layout, device=my_output.device)
        o = torch.ones_like(my_output)
        r = torch.rand_like(my_output)
        rn = torch.randn_like(my_output)
        ri = torch.randint_like(my_output, 10)
        ri2 = torch.randint_like(my_output, 3, 10)
        e = torch.empty_like(my_output)
        f = torch.full_like(my_output, 7)
        print(my_output.layout, my_output.device, e.shape, e.dtype)
    """, names=['my_zeros', 'z2', 'o', 'r', 'rn', 'ri', 'ri2', 'f'])

@needs_nn
def test_s001_3_register_buffer():
    "3. Register Buffer: ModuleWithCustomValues(weights=[1.0, 2.0], alpha=1e-4)"
    same("""
        from torch import nn
        import torch
        class ModuleWithCustomValues(nn.Module):
            def __init__(self, weights, alpha):
                super().__init__()
                self.register_buffer("weights", torch.tensor(weights))
                self.register_buffer("alpha", torch.tensor(alpha))
            def forward(self, x):
                return x * self.weights + self.alpha
        m = ModuleWithCustomValues(weights=[1.0, 2.0], alpha=1e-4)
        y = m(torch.tensor([1.23, 4.56]))
        print(y)
        print(list(m.state_dict().keys()), len(list(m.parameters())), [n for n, _ in m.named_buffers()])
    """, names=['y'])

@needs_nn
def test_s001_4_identity():
    "4. Built-in Identity(): (resnet50(pretrained=True) needs torchvision.models and a download; the Identity part runs)"
    same("""
        import torch
        from torch import nn
        model = nn.Sequential(nn.Linear(8, 4), nn.ReLU(), nn.Linear(4, 3))
        model[2] = nn.Identity()
        last_layer_output = model(torch.rand((1, 8)))
        print(last_layer_output.shape)
        print(nn.Identity()(torch.arange(3)))
    """)

def test_s001_5_cdist():
    "5. Pairwise distances: torch.cdist (p=2, both compute modes)"
    same("""
        import torch
        points1 = torch.tensor([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
        points2 = torch.tensor([[0.0, 0.0], [-1.0, -1.0], [-2.0, -2.0], [-3.0, -3.0]])
        d = torch.cdist(points1, points2, p=2.0)
        print(d)
        points1 = torch.rand((512, 2))
        points2 = torch.rand((512, 2))
        d1 = torch.cdist(points1, points2, p=2.0, compute_mode="donot_use_mm_for_euclid_dist")
        d2 = torch.cdist(points1, points2, p=2.0)
    """, names=['d', 'd1', 'd2'], atol=1e-4)   # (torch's default mode uses mm for >25 rows: ~1e-5 absolute error)

@needs_nn
def test_s001_6_cosine_similarity():
    "6. Cosine similarity: F.cosine_similarity (vectors, and a batch via unsqueeze broadcasting)"
    same("""
        import torch
        import torch.nn.functional as F
        vector1 = torch.tensor([0.0, 1.0])
        vector2 = torch.tensor([0.05, 1.0])
        print(F.cosine_similarity(vector1, vector2, dim=0))
        vector3 = torch.tensor([0.0, -1.0])
        print(F.cosine_similarity(vector1, vector3, dim=0))
        batch_of_vectors = torch.rand((4, 64))
        similarity_matrix = F.cosine_similarity(batch_of_vectors.unsqueeze(1), batch_of_vectors.unsqueeze(0), dim=2)
        print(similarity_matrix)
    """, names=['similarity_matrix'])

def test_s001_6_cosine_similarity_toplevel():
    "6. Cosine similarity through torch.cosine_similarity (same function as F's)"
    same("""
        import torch
        vector1 = torch.tensor([0.0, 1.0])
        print(torch.cosine_similarity(vector1, torch.tensor([0.05, 1.0]), dim=0))
        b = torch.rand((4, 64))
        s = torch.cosine_similarity(b.unsqueeze(1), b.unsqueeze(0), dim=2)
        print(s)
    """, names=['s'])

@needs_nn
def test_s001_7_normalize():
    "7. 归一化向量: F.normalize vs vector / torch.norm(vector, p=2.0); batch with dim=1"
    same("""
        import torch
        import torch.nn.functional as F
        vector = torch.tensor([99.0, -512.0, 123.0, 0.1, 6.66])
        normalized_vector = F.normalize(vector, p=2.0, dim=0)
        print(normalized_vector)
        old = vector / torch.norm(vector, p=2.0)
        print(old)
        batch_of_vectors = torch.rand((4, 64))
        normalized_batch_of_vectors = F.normalize(batch_of_vectors, p=2.0, dim=1)
        print(normalized_batch_of_vectors.shape, torch.norm(normalized_batch_of_vectors, dim=1))
    """, names=['normalized_vector', 'old', 'normalized_batch_of_vectors'])

def test_s001_7_norm():
    "7. 归一化向量, the old way: vector / torch.norm(vector, p=2.0); torch.norm(batch, dim=1)"
    same("""
        import torch
        vector = torch.tensor([99.0, -512.0, 123.0, 0.1, 6.66])
        normalized_vector = vector / torch.norm(vector, p=2.0)
        print(normalized_vector)
        b = torch.rand((4, 64))
        n = torch.norm(b / torch.norm(b, dim=1, keepdim=True), dim=1)
        print(n)
    """, names=['normalized_vector', 'n'])

@needs_nn
def test_s001_8_linear_chunk():
    "8. 线性层 + 分块技巧 (torch.chunk): one Linear(d, 128*3) then chunk(3, dim=1)"
    no, nt = same("""
        import torch
        from torch import nn
        d = 1024
        batch = torch.rand((8, d))
        layers = nn.Linear(d, 128, bias=False), nn.Linear(d, 128, bias=False), nn.Linear(d, 128, bias=False)
        one_layer = nn.Linear(d, 128 * 3, bias=False)
        o1 = layers[0](batch)
        o2 = layers[1](batch)
        o3 = layers[2](batch)
        c1, c2, c3 = torch.chunk(one_layer(batch), 3, dim=1)
        print(o1.shape, c1.shape, c2.shape, c3.shape, c3.grad_fn)
    """)

def test_s001_8_chunk():
    "8. torch.chunk on a (8, 384) activation"
    same("""
        import torch
        a = torch.rand((8, 384), requires_grad=True)
        o1, o2, o3 = torch.chunk(a, 3, dim=1)
        print(o1.shape, o2.shape, o3.shape, o1.grad_fn)
        (o1 * 1 + o2 * 2 + o3 * 3).sum().backward()
    """, names=['o1', 'o2', 'o3', 'a'])

def test_s001_9_masked_select():
    "9. Masked select: torch.masked_select, data[mask], data * mask (with grad)"
    same("""
        import torch
        data = torch.rand((3, 3)).requires_grad_()
        print(data)
        mask = data > data.mean()
        print(mask)
        s = torch.masked_select(data, mask)
        print(s)
        i = data[mask]
        print(i)
        m = data * mask
        print(m)
        (s.sum() + 2 * i.sum() + 3 * m.sum()).backward()
        print(data.grad)
    """, names=['data', 'mask', 's', 'i', 'm'])

def test_s001_10_where():
    "10. 使用 torch.where来对tensors加条件"
    same("""
        import torch
        x = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0], requires_grad=True)
        y = -x
        condition_or_mask = x <= 3.0
        w = torch.where(condition_or_mask, x, y)
        print(w)
        w.sum().backward()
        print(x.grad)
    """, names=['x', 'w'])

# =====================================================================================================
# seed 002: "pytorch笔记(一)" (PyTorch notes)
# =====================================================================================================

def test_s002_1_variable_scalar():
    "1. Variable: 对于标量的求导 (torch.Tensor([1]), Variable(..., requires_grad=True), Y.backward())"
    same("""
        import torch
        from torch.autograd import Variable
        x = Variable(torch.Tensor([1]),requires_grad = True)
        w = Variable(torch.Tensor([2]),requires_grad = True)
        b = Variable(torch.Tensor([3]),requires_grad = True)
        Y = w*x+b
        Y.backward()
        print(x.grad)
        print(x.data)
        print(w.grad, b.grad, Y)
    """, names=['x', 'w', 'b', 'Y'])

def test_s002_1_variable_vector():
    "1. Variable: 对于矩阵的求导 (y.backward(torch.FloatTensor([1, 0.1, 0.01])))"
    same("""
        import torch
        from torch.autograd import Variable
        x = torch.randn(3)
        x = Variable(x,requires_grad = True)
        y = x*2
        y.backward(torch.FloatTensor([1,0.1,0.01]))
        print(x)
        print(x.grad)
    """, names=['x', 'y'])

def test_s002_1_vector_backward_needs_gradient():
    "1. '#y.backward()  #y为向量,不能使用该语句': backward on a non-scalar without a gradient raises"
    same_error("y.backward()", setup="""
        import torch
        x = torch.randn(3, requires_grad=True)
        y = x*2
    """)

def test_s002_4_loss_data_index_is_an_error_now():
    "4./11. loss.data[0] (PyTorch < 0.4) on a 0-dim loss raises IndexError with the hint to use .item()"
    same_error("total_loss = loss.data[0]", setup="""
        import torch
        x = torch.randn(3, requires_grad=True)
        loss = (x * 2).pow(2).mean()
    """)

def test_s002_5_variable_volatile():
    "5. Variable(x, volatile=True): a no-op since PyTorch 0.4 (a warning), the result is a plain tensor"
    same("""
        import torch
        from torch.autograd import Variable
        v = Variable(torch.ones(2), volatile=True)
        print(v, v.requires_grad)
    """)

@needs_optim
def test_s002_2_optimizer_steps():
    "2. 优化过程中各个步骤: CrossEntropyLoss, SGD(momentum=0.9), zero_grad/backward/step"
    no, nt = same("""
        import torch
        import torch.nn as nn
        mynet = nn.Linear(5, 3)
        output = mynet(torch.randn(4, 5))
        target = torch.tensor([0, 2, 1, 2])
    """, output=False)
    _copy_params(no, nt, 'mynet')
    code = """
        output = mynet(torch.randn(4, 5))
        criterion = nn.CrossEntropyLoss()
        loss = criterion(output,target)
        optimizer = torch.optim.SGD(mynet.parameters(),lr = 0.01,momentum = 0.9)
        for _ in range(3):
            optimizer.zero_grad()
            loss = criterion(mynet(torch.ones(4, 5)), target)
            loss.backward()
            optimizer.step()
        print(loss.grad_fn)
    """
    ot, nt = run(code, False, ns=nt); oo, no = run(code, True, ns=no)
    assert oo == ot
    check(no['loss'], nt['loss']); check(list(no['mynet'].parameters()), list(nt['mynet'].parameters()))

@needs_optim
def test_s002_3_save_load(tmp_path):
    "3. 模型的保存与加载: torch.save(state_dict) / load_state_dict(torch.load(PATH)); the whole model"
    no, nt = same(f"""
        import torch
        import torch.nn as nn
        the_model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        PATH = {str(tmp_path / 'sd.pt')!r}
        torch.save(the_model.state_dict(), PATH)
        the_model2 = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        print(the_model2.load_state_dict(torch.load(PATH)))
        same = all(torch.equal(a, b) for a, b in zip(the_model.parameters(), the_model2.parameters()))
        print(same)
    """, output=False, ns_torch={}, ns_ours={})
    assert no['same']
    _, no = run(f"""
        import torch
        import torch.nn as nn
        the_model = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
        PATH = {str(tmp_path / 'm.pt')!r}
        torch.save(the_model, PATH)
        the_model2 = torch.load(PATH, weights_only=False)
        same = torch.equal(the_model2[0].weight, the_model[0].weight)
    """, True)
    assert no['same']

def test_s002_4_item():
    "4./11. loss.item() instead of loss.data[0]; total_loss += loss.item()"
    same("""
        import torch
        x = torch.randn(3, requires_grad=True)
        total_loss = 0.0
        for i in range(3):
            loss = (x * i).pow(2).mean()
            total_loss += loss.item()
        print(type(total_loss), total_loss, loss.data)
    """, names=['total_loss'])

def test_s002_6_detach():
    "6. detach 代表隔断梯度的传播: z = B(y.detach()) and y.detach_() (A, B: differentiable functions)"
    same("""
        import torch
        x = torch.randn(3, requires_grad=True)
        wa = torch.randn(3, requires_grad=True)
        wb = torch.randn(3, requires_grad=True)
        A = lambda t: t * wa
        B = lambda t: (t * wb).sum()
        y = A(x)
        z = B(y.detach())
        z.backward()
        print(wa.grad, wb.grad)
        y = A(x)
        y.detach_()
        print(y.requires_grad, y.grad_fn, y.is_leaf)
        z = B(y)
        z.backward()
        print(wa.grad, wb.grad)
    """, names=['x', 'wa', 'wb', 'y', 'z'])

RETAIN = """
        import torch
        x = torch.randn((1,4),dtype=torch.float32,requires_grad=True)
        y = x ** 2
        z = y * 4
        output1 = z.mean()
        output2 = z.sum()
"""

def test_s002_7_backward_twice_errors():
    "7. retain_graph: a second backward through a freed graph raises RuntimeError"
    same_error("output1.backward(); output2.backward()", setup=RETAIN)

def test_s002_7_retain_graph():
    "7. retain_graph=True lets both outputs backward"
    same(RETAIN + """
        output1.backward(retain_graph=True)
        output2.backward()
        print(x.grad)
    """, names=['x'])

@needs_nn
def test_s002_7_content_loss_module():
    "7. ContentLoss module with its own backward(retain_graph=True)"
    no, nt = same("""
        import torch
        import torch.nn as nn
        class ContentLoss(nn.Module):
            def __init__(self, target, weight):
                super(ContentLoss, self).__init__()
                self.target = target.detach() * weight
                self.weight = weight
                self.criterion = nn.MSELoss()
            def forward(self, input):
                self.loss = self.criterion(input * self.weight, self.target)
                self.output = input
                return self.output
            def backward(self, retain_graph=True):
                self.loss.backward(retain_graph=retain_graph)
                return self.loss
        inp = torch.randn(2, 3, requires_grad=True)
        cl = ContentLoss(torch.randn(2, 3), 0.5)
        out = cl(inp * 2)
        l1 = cl.backward()
        l2 = cl.backward()
        print(l1, inp.grad)
    """, names=['inp', 'out', 'l1'])

@needs_nn
def test_s002_9_sequential_net():
    "9. Sequential blocks Conv2d(3,32,3,1,1)/ReLU/MaxPool2d(2) x3 then Linear(64*3*3, 128): input 24x24"
    no, nt = same("""
        import torch
        class Net(torch.nn.Module):
            def __init__(self):
                super(Net, self).__init__()
                self.conv1 = torch.nn.Sequential(
                    torch.nn.Conv2d(3, 32, 3, 1, 1),
                    torch.nn.ReLU(),
                    torch.nn.MaxPool2d(2))
                self.conv2 = torch.nn.Sequential(
                    torch.nn.Conv2d(32, 64, 3, 1, 1),
                    torch.nn.ReLU(),
                    torch.nn.MaxPool2d(2)
                )
                self.conv3 = torch.nn.Sequential(
                    torch.nn.Conv2d(64, 64, 3, 1, 1),
                    torch.nn.ReLU(),
                    torch.nn.MaxPool2d(2)
                )
                self.dense = torch.nn.Sequential(
                    torch.nn.Linear(64 * 3 * 3, 128),
                    torch.nn.ReLU(),
                    torch.nn.Linear(128, 10)
                )
            def forward(self, x):
                x = self.conv3(self.conv2(self.conv1(x)))
                return self.dense(x.view(x.size(0), -1))
        net = Net()
        print(net)
        x = torch.randn(2, 3, 24, 24)
    """, output=True)
    _copy_params(no, nt)
    _, nt = run("out = net(x)", False, ns=nt); _, no = run("out = net(x)", True, ns=no)
    check(no['out'], nt['out'], atol=1e-5)

def test_s002_10_max_dim():
    "10. 关于torch.max(): torch.max(a, 1) returns (values, indices); torch.max(a, 1)[1]"
    same("""
        import torch
        a = torch.randn(3,3)
        print(a)
        b = torch.max(a,1)
        print(b)
        c = torch.max(a,1)[1]
        print(c)
        b0 = torch.max(a, 0)
        print(b0.values, b0.indices, b0[0])
        v, i = a.max(dim=1, keepdim=True)
        print(v, i)
    """, names=['a', 'b', 'c', 'b0', 'v', 'i'])

def test_s002_12_13_custom_dataset():
    "12./13. 自定义 Dataset: __len__/__getitem__ returning (PIL image from img.numpy(), target), with DataLoader"
    code = """
        import torch
        from torch.utils import data
        from torch.utils.data import DataLoader
        from PIL import Image
        class MNIST(data.Dataset):
            def __init__(self, transform=None, target_transform=None):
                g = torch.Generator().manual_seed(0)
                self.train_data = torch.randint(0, 256, (10, 28, 28), dtype=torch.uint8, generator=g)
                self.train_labels = torch.arange(10)
                self.transform, self.target_transform = transform, target_transform
            def __getitem__(self, index):
                img, target = self.train_data[index], self.train_labels[index]
                img = Image.fromarray(img.numpy(), mode='L')
                if self.transform is not None:
                    img = self.transform(img)
                if self.target_transform is not None:
                    target = self.target_transform(target)
                return img, target
            def __len__(self):
                return 10
        ds = MNIST(transform=lambda im: torch.tensor(list(im.getdata()), dtype=torch.float32).view(1, 28, 28) / 255,
                   target_transform=lambda t: int(t))
        img, target = ds[3]
        loader = DataLoader(ds, batch_size=4, shuffle=False)
        batches = [(x, y) for x, y in loader]
        print(len(ds), img.shape, target, [x.shape for x, _ in batches], [y for _, y in batches])
    """
    same(code, names=['img', 'target', 'batches'])

def test_s002_16_builtin_datasets_offline():
    "16. torchvision.datasets.MNIST/CIFAR10 with download: needs the internet; the embedded CIFAR-10 sample stands in"
    from tinygrad_edu.vision import datasets
    if not hasattr(datasets, 'CIFAR10Sample'): pytest.skip('no embedded sample')
    ds = datasets.CIFAR10Sample()
    img, label = ds[0]
    assert isinstance(label, int) and 0 <= label < 10

# =====================================================================================================
# seed 003: "PyTorch详细教程" (detailed tutorial)
# =====================================================================================================

@needs_nn
def test_s003_2_2_inference_mode():
    "二、2. 推理模式: torch_model.eval(); torch_model.train(False)"
    same("""
        import torch
        torch_model = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout())
        r1 = torch_model.eval()
        a = [m.training for m in torch_model.modules()]
        torch_model.train()
        r2 = torch_model.train(False)
        b = [m.training for m in torch_model.modules()]
        print(a, b, r1 is torch_model, r2 is torch_model)
    """)

DIST_003 = """
    import torch
    from torch.utils.data import Dataset, DataLoader
    from torch.utils.data.distributed import DistributedSampler
    batch_size = 2
    data_size = 16
    class RandomDataset(Dataset):
        def __init__(self, size, length, local_rank):
            self.len = length
            self.data = torch.stack([torch.ones(5), torch.ones(5)*2,
                                     torch.ones(5)*3,torch.ones(5)*4,
                                     torch.ones(5)*5,torch.ones(5)*6,
                                     torch.ones(5)*7,torch.ones(5)*8,
                                     torch.ones(5)*9, torch.ones(5)*10,
                                     torch.ones(5)*11,torch.ones(5)*12,
                                     torch.ones(5)*13,torch.ones(5)*14,
                                     torch.ones(5)*15,torch.ones(5)*16])
            self.local_rank = local_rank
        def __getitem__(self, index):
            return self.data[index]
        def __len__(self):
            return self.len
    for local_rank in range(2):
        dataset = RandomDataset(5, data_size, local_rank)
        sampler = DistributedSampler(dataset, num_replicas=2, rank=local_rank)
        rand_loader = DataLoader(dataset=dataset, batch_size=batch_size, sampler=sampler)
        e = 0
        while e < 2:
            if SET_EPOCH: sampler.set_epoch(e)
            for data in rand_loader:
                print(local_rank, e, data)
            e+=1
"""

@pytest.mark.parametrize('set_epoch', [False, True])
def test_s003_3_distributed_sampler(set_epoch):
    """三、分布式训练 set_epoch(): DistributedSampler over 16 items, 2 replicas, batch 2, two epochs.
    (init_process_group('nccl') and cuda need several GPUs: the ranks are simulated with num_replicas/rank.)"""
    same(DIST_003.replace('SET_EPOCH', str(set_epoch)))

def test_s003_3_init_process_group_needs_processes():
    "三、分布式训练: torch.distributed.init_process_group('nccl') needs several processes and GPUs"
    pytest.skip("torch.distributed (process groups, NCCL) is not part of tinygrad_edu: the sampler part runs above")

@needs_nn
def test_s003_7_register_buffer():
    "七、torch.nn.Module.register_buffer(): buffer a in state_dict and buffers(), not in parameters()"
    same("""
        import torch.nn as nn
        import torch
        class net(nn.Module):
            def __init__(self):
                super(net,self).__init__()
                self.register_buffer("a",torch.ones(2,3))
            def forward(self,x):
                return x+self.a
        m = net()
        y = m(torch.arange(6.).view(2, 3))
        print(y, list(m.parameters()), list(m.buffers()), m.state_dict())
    """, names=['y'])

def test_s003_7_onnx_jit_not_applicable():
    "七、torch.onnx.export / torch.jit.trace: TorchScript/ONNX export is outside a NumPy teaching framework"
    pytest.skip("torch.jit / torch.onnx (and torchvision.models.mobilenet_v2) are not part of tinygrad_edu")

def test_s003_7_scatter():
    "七、scatter(): b.scatter(dim=0, index=LongTensor(...), src=a) (the seed's extra ')' removed)"
    same("""
        import torch
        a = torch.arange(10).reshape(2,5).float()
        b = torch.zeros(3, 5)
        b_= b.scatter(dim=0, index=torch.LongTensor([[1, 2, 1, 1, 2], [2, 0, 2, 1, 0]]),src=a)
        print(b_)
    """, names=['b_'])

def test_s003_7_scatter_one_hot():
    "七、scatter() one-hot: targets.scatter(dim=1, index=labels.unsqueeze(-1), src=...) / value=1"
    same("""
        import torch
        labels = torch.LongTensor([1,3])
        targets = torch.zeros(2, 5)
        o1 = targets.scatter(dim=1, index=labels.unsqueeze(-1), value=1)
        o2 = targets.scatter(dim=1, index=labels.unsqueeze(-1), src=torch.ones(2, 1))
        o3 = torch.zeros(2, 5, dtype=torch.long).scatter(1, labels.unsqueeze(-1), torch.ones(2, 1, dtype=torch.long))
        print(o1, o2, o3)
    """, names=['o1', 'o2', 'o3'])

def test_s003_7_scatter_one_hot_src_dtype_error():
    "七、scatter(): the seed's literal call (float targets, int64 0-d src) raises in torch; we raise the same"
    same_error("targets.scatter(dim=1, index=labels.unsqueeze(-1), src=torch.tensor(1))", setup="""
        import torch
        labels = torch.LongTensor([1,3])
        targets = torch.zeros(2, 5)
    """)

def test_s003_7_squeeze_unsqueeze():
    "七、squeeze() / unsqueeze()"
    same("""
        import torch
        a = torch.ones([1, 1, 2, 1])
        a = torch.squeeze(a)
        print(a, a.shape)
        b = torch.ones([1, 1, 2, 1])
        b = b.squeeze(0)
        print(b.shape)
        b = torch.squeeze(b, 0)
        print(b, b.shape)
        c = torch.tensor([3])
        c = c.unsqueeze(0)
        d = torch.unsqueeze(c, 0)
        print(c, d, d.shape)
    """, names=['a', 'b', 'c', 'd'])

def test_s003_7_cuda_device_strings():
    "七、torch.cuda: device = 'cuda:0' if torch.cuda.is_available() else 'cpu'; torch.device(...)"
    no, nt = same("""
        import torch
        device = 'cuda:0' if torch.cuda.is_available() else 'cpu'
        device2 = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        x = torch.ones(2).to(device2)
        y = torch.ones(2, device=device).to(device)
    """, output=False)
    assert no['x'].device == no['device2'] and str(no['y'].device).startswith(no['device'].split(':')[0])

@needs_optim
def test_s003_7_save_load_eval(tmp_path):
    "七、model.eval(): save state_dict, rebuild the model, load_state_dict(torch.load(path)), eval()"
    _, no = run(f"""
        import torch
        import torch.nn as nn
        def My_model(): return nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5))
        model = My_model()
        torch.save(model.state_dict(), {str(tmp_path / 'params.pt')!r})
        model2 = My_model()
        model2.load_state_dict(torch.load({str(tmp_path / 'params.pt')!r}))
        model2.eval()
        x = torch.randn(2, 3)
        same = torch.equal(model(x) if not model.eval().training else None, model2(x))
    """, True)
    assert no['same']

# =====================================================================================================
# seed 004: "Pytorch深度学习框架简介" (the official intro tutorial, Chinese translation)
# =====================================================================================================

def test_s004_tensors_creation_seed():
    "PyTorch 张量: zeros/dtype, ones((5,3), dtype=int16), manual_seed(1729) rand repeats"
    same("""
        import torch
        z = torch.zeros(5, 3)
        print(z)
        print(z.dtype)
        i = torch.ones((5, 3), dtype=torch.int16)
        print(i)
        torch.manual_seed(1729)
        r1 = torch.rand(2, 2)
        print('A random tensor:')
        print(r1)
        r2 = torch.rand(2, 2)
        print('\\nA different random tensor:')
        print(r2)
        torch.manual_seed(1729)
        r3 = torch.rand(2, 2)
        print('\\nShould match r1:')
        print(r3)
    """, names=['z', 'i', 'r1', 'r2', 'r3'])

def test_s004_tensors_arithmetic():
    "PyTorch 张量: ones + twos, shape"
    same("""
        import torch
        ones = torch.ones(2, 3)
        print(ones)
        twos = torch.ones(2, 3) * 2
        print(twos)
        threes = ones + twos
        print(threes)
        print(threes.shape)
        r1 = torch.rand(2, 3)
        r2 = torch.rand(3, 2)
    """, names=['threes'])

def test_s004_tensors_shape_mismatch_error():
    "PyTorch 张量: '# uncomment this line to get a runtime error: r3 = r1 + r2'"
    same_error("r3 = r1 + r2", setup="import torch; r1 = torch.rand(2, 3); r2 = torch.rand(3, 2)")

def test_s004_tensors_math_sample():
    "PyTorch 张量: abs, asin, det, svd, std_mean, max"
    no, nt = same("""
        import torch
        r = (torch.rand(2, 2) - 0.5) * 2
        print('A random matrix, r:')
        print(r)
        print('\\nAbsolute value of r:')
        print(torch.abs(r))
        print('\\nInverse sine of r:')
        print(torch.asin(r))
        print('\\nDeterminant of r:')
        print(torch.det(r))
        print('\\nAverage and standard deviation of r:')
        print(torch.std_mean(r))
        print('\\nMaximum value of r:')
        print(torch.max(r))
        s = torch.svd(r)
    """, names=['r'])
    # singular vectors are defined up to sign: compare S and the reconstruction U diag(S) V^T, and the printed form
    so, st = no['s'], nt['s']
    check(so.S, st.S)
    U, S, V = (x.numpy() for x in so)
    np.testing.assert_allclose(U @ np.diag(S) @ V.T, no['r'].numpy(), atol=1e-5)
    assert repr(so).startswith('torch.return_types.svd(\nU=tensor(')

LENET_004 = """
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    class LeNet(nn.Module):
        def __init__(self):
            super(LeNet, self).__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)
        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.view(-1, self.num_flat_features(x))
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x
        def num_flat_features(self, x):
            size = x.size()[1:]
            num_features = 1
            for s in size:
                num_features *= s
            return num_features
    net = LeNet()
    print(net)
    input = torch.rand(1, 1, 32, 32)
    print('\\nImage batch shape:')
    print(input.shape)
"""

@needs_nn
def test_s004_models_lenet():
    "PyTorch 模型: LeNet, print(net), output = net(input) of shape (1, 10)"
    no, nt = same(LENET_004, names=['input'])
    _copy_params(no, nt)
    code = "output = net(input)\nprint(output.shape, output.grad_fn)"
    ot, nt = run(code, False, ns=nt); oo, no = run(code, True, ns=no)
    assert oo == ot
    check(no['output'], nt['output'])

def test_s004_datasets_transforms_loader():
    """数据集和数据加载器: transforms.Compose([ToTensor(), Normalize(...)]), a CIFAR-10 dataset, DataLoader(batch_size=4,
    shuffle=True, num_workers=2), make_grid, imshow; the per-channel mean/std over dim=(0, 2, 3).
    (CIFAR10(download=True) needs the internet: the embedded CIFAR-10 sample stands in.)"""
    import matplotlib
    matplotlib.use('Agg')
    from tinygrad_edu.vision import datasets
    if not hasattr(datasets, 'CIFAR10Sample'): pytest.skip('no embedded sample')
    _, g = run("""
        import torch
        import torchvision
        import torchvision.transforms as transforms
        from torchvision.datasets import CIFAR10Sample
        from torch.utils.data import ConcatDataset
        import matplotlib.pyplot as plt
        import numpy as np
        transform = transforms.Compose(
            [transforms.ToTensor(),
             transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616))])
        trainset = CIFAR10Sample(transform=transforms.Compose([transforms.ToTensor()]))
        x = torch.stack([trainset[i][0] for i in range(64)])
        mean = torch.mean(x, dim=(0,2,3))
        std = torch.std(x, dim=(0,2,3))
        trainset = CIFAR10Sample(transform=transform)
        trainloader = torch.utils.data.DataLoader(trainset, batch_size=4, shuffle=True, num_workers=2)
        classes = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')
        def imshow(img):
            img = img / 2 + 0.5
            npimg = img.numpy()
            plt.imshow(np.transpose(npimg, (1, 2, 0)))
        dataiter = iter(trainloader)
        images, labels = next(dataiter)
        grid = torchvision.utils.make_grid(images)
        imshow(grid)
        names = ' '.join('%5s' % classes[labels[j]] for j in range(4))
        plt.close('all')
    """, True)
    assert g['x'].shape == (64, 3, 32, 32) and g['mean'].shape == (3,) and g['std'].shape == (3,)
    xs = g['x'].numpy()
    np.testing.assert_allclose(g['mean'].numpy(), xs.mean(axis=(0, 2, 3)), rtol=1e-5)
    np.testing.assert_allclose(g['std'].numpy(), xs.std(axis=(0, 2, 3), ddof=1), rtol=1e-4)
    assert g['images'].shape == (4, 3, 32, 32) and g['images'].dtype == tg.float32
    assert g['labels'].shape == (4,) and g['labels'].dtype == tg.int64
    assert g['grid'].shape == (3, 36, 138)
    assert len(g['names'].split()) == 4

@needs_optim
def test_s004_training_loop():
    "训练您的PyTorch模型: Net (3-channel LeNet), CrossEntropyLoss, SGD(lr=0.001, momentum=0.9), a few steps, then accuracy"
    code = """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        import torch.optim as optim
        class Net(nn.Module):
            def __init__(self):
                super(Net, self).__init__()
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
                x = self.fc3(x)
                return x
        net = Net()
        g = torch.Generator().manual_seed(0)
        X = torch.randn(16, 3, 32, 32, generator=g)
        Y = torch.randint(0, 10, (16,), generator=g)
        trainloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, Y), batch_size=4, shuffle=False)
    """
    no, nt = same(code, output=False)
    _copy_params(no, nt)
    code2 = """
        criterion = nn.CrossEntropyLoss()
        optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
        for epoch in range(2):
            running_loss = 0.0
            for i, data in enumerate(trainloader, 0):
                inputs, labels = data
                optimizer.zero_grad()
                outputs = net(inputs)
                loss = criterion(outputs, labels)
                loss.backward()
                optimizer.step()
                running_loss += loss.item()
                if i % 2 == 1:
                    print('[%d, %5d] loss: %.3f' % (epoch + 1, i + 1, running_loss / 2))
                    running_loss = 0.0
        print('Finished Training')
        correct = 0
        total = 0
        with torch.no_grad():
            for data in trainloader:
                images, labels = data
                outputs = net(images)
                _, predicted = torch.max(outputs.data, 1)
                total += labels.size(0)
                correct += (predicted == labels).sum().item()
        print('Accuracy of the network on the test images: %d %%' % (100 * correct / total))
    """
    ot, nt = run(code2, False, ns=nt); oo, no = run(code2, True, ns=no)
    assert oo == ot
    check(list(no['net'].parameters()), list(nt['net'].parameters()), atol=1e-4)
