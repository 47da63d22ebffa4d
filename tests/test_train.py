"Training on the embedded CIFAR-10 sample: the loss falls, resuming is exact, and the `tinygrad-edu` command works."
import json, os, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
import tinygrad_edu as torch
import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim
from tinygrad_edu.utils.data import DataLoader
from tinygrad_edu.vision import datasets
from tinygrad_edu.train import Net, fit, summary
from tinygrad_edu.models import ResNet, BatchAugment

ROOT = Path(__file__).resolve().parent.parent

@pytest.fixture(scope='module')
def sample():
    return datasets.CIFAR10Sample(train=True), datasets.CIFAR10Sample(train=False)

def _subset(ds, n):
    "The first `n` images as an in-memory dataset (get_batch works on it)."
    return datasets.ImageArrayDataset(np.asarray(ds.data[:n]), ds.targets[:n], ds.classes)

def test_loss_falls(sample):
    train, test = sample
    torch.manual_seed(0)
    g = torch.Generator().manual_seed(0)
    dl = DataLoader(_subset(train, 256), batch_size=32, shuffle=True, generator=g, batch_transform=BatchAugment())
    valid = DataLoader(_subset(test, 64), batch_size=64, batch_transform=BatchAugment())
    net = Net()
    h = fit(net, dl, valid, epochs=4, opt=optim.SGD(net.parameters(), lr=0.05, momentum=0.9), progress=False, log=None)
    losses = [e['train_loss'] for e in h['epochs']]
    assert len(h['step_loss']) == 4 * 8
    assert losses[-1] < losses[0] - 0.1, losses
    assert 0 <= h['epochs'][-1]['valid_acc'] <= 1

def _run(train, ckpt, epochs, resume=False, seed=0):
    "A small ResNet (batch norm buffers), augmentation (global RNG), shuffling (loader generator), one-cycle schedule."
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    dl = DataLoader(_subset(train, 96), batch_size=32, shuffle=True, generator=g, batch_transform=BatchAugment(augment=True))
    model = ResNet(widths=(8, 16, 16, 16))
    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    sched = optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=3 * len(dl))
    h = fit(model, dl, None, epochs, opt, nn.CrossEntropyLoss(label_smoothing=0.1), sched, checkpoint=ckpt, resume=resume,
            progress=False, log=None)
    return model, h

def test_resume_is_exact(sample, tmp_path):
    train, _ = sample
    full, h_full = _run(train, tmp_path / 'full.pt', epochs=3)
    _run(train, tmp_path / 'part.pt', epochs=1)                            # "interrupted" after one epoch
    assert (tmp_path / 'part.pt').exists() and not (tmp_path / 'part.pt.tmp').exists()
    resumed, h_res = _run(train, tmp_path / 'part.pt', epochs=3, resume=True, seed=99)
    assert h_res['step_loss'] == h_full['step_loss']                         # identical, not just close
    for (k, a), b in zip(full.state_dict().items(), resumed.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)

def test_summary_counts_parameters(capsys):
    rows = summary(Net(), (3, 32, 32))
    assert sum(r[3] for r in rows) == 62006 and rows[-1][2] == [2, 10]
    assert 'Total params: 62,006' in capsys.readouterr().out

def _cli(*args, cwd):
    exe = Path(sys.executable).parent / 'tinygrad-edu'
    cmd = [str(exe)] if exe.exists() else [sys.executable, '-c', 'import sys; from tinygrad_edu.train import main; sys.exit(main())']
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(cmd + list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)

def test_cli_trains_and_writes_outputs(tmp_path):
    r = _cli('train', '--epochs', '1', '--batch-size', '16', '--lr', '0.01', '--out', 'run', '--seed', '1', cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = tmp_path / 'run'
    for f in ('metrics.json', 'history.png', 'confusion_matrix.png', 'checkpoint.pt'): assert (out / f).exists(), f
    m = json.loads((out / 'metrics.json').read_text())
    assert m['model'] == 'lenet' and m['train_images'] == 1000 and m['test_images'] == 200
    assert 0 <= m['test_accuracy'] <= 1 and len(m['per_class_accuracy']) == 10
    assert 'test accuracy' in r.stdout
    assert (out / 'history.png').read_bytes()[:4] == b'\x89PNG'
    r2 = _cli('train', '--epochs', '2', '--batch-size', '16', '--lr', '0.01', '--out', 'run', '--seed', '1', '--resume',
              '--no-progress', cwd=tmp_path)
    assert r2.returncode == 0, r2.stderr
    assert len(json.loads((out / 'metrics.json').read_text())['history']) == 2

@pytest.mark.parametrize('args, message', [
    (('train', '--model', 'vgg'), "invalid choice: 'vgg'"),
    (('train', '--epochs', 'many'), "invalid int value: 'many'"),
    (('train', '--bogus'), 'unrecognized arguments: --bogus'),
    (('train', '--epochs', '0'), '--epochs must be at least 1'),
    (('train', '--data', 'no/such/cifar.zip'), 'no such file or folder'),
    (('train', '--resume', '--out', 'nothing-here'), 'no checkpoint'),
])
def test_cli_errors_are_one_line(tmp_path, args, message):
    r = _cli(*args, cwd=tmp_path)
    assert r.returncode == 2
    assert message in r.stderr and 'Traceback' not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
