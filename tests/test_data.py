"""utils.data vs torch.utils.data: collation, samplers (seeded indices), DistributedSampler partitions,
DataLoader batches and worker processes, pad_sequence."""
import collections, os
import numpy as np
import pytest
import torch
import torch.utils.data as TD
from torch.nn.utils.rnn import pad_sequence as torch_pad_sequence

import tinygrad_edu
import tinygrad_edu.utils.data as D
from tinygrad_edu.tensor import Tensor, tensor
from tinygrad_edu.random import Generator
from tinygrad_edu.nn.utils.rnn import pad_sequence


def to_py(x):
    "Normalise a batch (ours or torch's) to comparable Python: tensors -> (dtype name, nested list)."
    if isinstance(x, (Tensor, torch.Tensor)): return (str(x.dtype), x.tolist())
    if isinstance(x, dict): return {k: to_py(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, '_fields'): return (type(x).__name__, [to_py(v) for v in x])
    if isinstance(x, (list, tuple)): return (type(x).__name__, [to_py(v) for v in x])
    return x


def ours_and_torch(sample_fn):
    "The same samples twice: ours with our tensors, torch's with torch tensors."
    return sample_fn(lambda a: tensor(a)), sample_fn(lambda a: torch.tensor(a))


# ---------------------------------------------------------------- collate
Point = collections.namedtuple('Point', 'x y')

BATCHES = [
    lambda T: [1, 2, 3],
    lambda T: [1.5, 2.5],
    lambda T: [True, False],
    lambda T: ['a', 'b'],
    lambda T: [np.float32(1.5), np.float32(2)],
    lambda T: [np.int16(3), np.int16(4)],
    lambda T: [np.arange(6, dtype=np.uint8).reshape(2, 3), np.ones((2, 3), np.uint8)],
    lambda T: [np.zeros(3, np.float64), np.ones(3, np.float64)],
    lambda T: [(T([1., 2.]), 0), (T([3., 4.]), 1)],
    lambda T: [[T([1, 2]), 'u', 0.5], [T([3, 4]), 'v', 1.5]],
    lambda T: [{'img': np.ones((2, 2), np.float32), 'label': 3, 'meta': {'id': 'a', 'w': 1.0}},
               {'img': np.zeros((2, 2), np.float32), 'label': 4, 'meta': {'id': 'b', 'w': 2.0}}],
    lambda T: [Point(1, 2.0), Point(3, 4.0)],
    lambda T: [(np.int64(1), (2, [3.0, 4.0])), (np.int64(5), (6, [7.0, 8.0]))],
    lambda T: [T(1.0), T(2.0)],
]

@pytest.mark.parametrize('k', range(len(BATCHES)))
def test_default_collate_matches_torch(k):
    ours, theirs = ours_and_torch(BATCHES[k])
    assert to_py(D.default_collate(ours)) == to_py(TD.default_collate(theirs))

@pytest.mark.parametrize('k', range(len(BATCHES)))
def test_default_convert_matches_torch(k):
    ours, theirs = ours_and_torch(BATCHES[k])
    assert to_py(D.default_convert(ours)) == to_py(TD.default_convert(theirs))

def test_default_collate_errors():
    with pytest.raises(TypeError, match="default_collate: batch must contain"): D.default_collate([object(), object()])
    with pytest.raises(TypeError, match="default_collate: batch must contain"): D.default_collate([np.array(['a']), np.array(['b'])])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        D.default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        D.default_collate([tensor([1, 2]), tensor([1, 2, 3])])

def test_collated_arrays_share_nothing_with_samples():
    a = np.zeros((2, 2), np.float32)
    b = D.default_collate([a, a])
    b.array[0, 0, 0] = 5
    assert a[0, 0] == 0


# ---------------------------------------------------------------- datasets
def test_concat_subset_tensor_dataset():
    c = D.ConcatDataset([range(3), range(10, 12)])
    t = TD.ConcatDataset([range(3), range(10, 12)])
    assert [c[i] for i in range(-5, 5)] == [t[i] for i in range(-5, 5)]
    assert c.cumulative_sizes == t.cumulative_sizes
    s = D.Subset(range(10), [3, 1, 4])
    assert list(s) == [3, 1, 4] and len(s) == 3
    td = D.TensorDataset(tensor([1, 2, 3]), tensor([[1.], [2.], [3.]]))
    assert len(td) == 3 and td[1][0].item() == 2 and td[1][1].tolist() == [2.0]
    with pytest.raises(AssertionError, match="Size mismatch between tensors"): D.TensorDataset(tensor([1]), tensor([1, 2]))

def test_dataset_add_is_concat():
    class A(D.Dataset):
        def __len__(self): return 2
        def __getitem__(self, i): return i
    both = A() + A()
    assert isinstance(both, D.ConcatDataset) and [both[i] for i in range(4)] == [0, 1, 0, 1]

@pytest.mark.parametrize('lengths', [[3, 7], [0.3, 0.7], [0.5, 0.25, 0.25], [1, 1, 8], [0.33, 0.33, 0.34]])
@pytest.mark.parametrize('seed', [0, 1, 12345])
def test_random_split_matches_torch(lengths, seed):
    ours = D.random_split(range(10), lengths, generator=Generator().manual_seed(seed))
    theirs = TD.random_split(range(10), lengths, generator=torch.Generator().manual_seed(seed))
    assert [list(s) for s in ours] == [list(s) for s in theirs]

def test_random_split_errors():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"): D.random_split(range(10), [3, 3])


# ---------------------------------------------------------------- samplers
@pytest.mark.parametrize('n', [1, 2, 7, 100, 1000])
@pytest.mark.parametrize('seed', [0, 3, 2**33 + 7])
def test_random_sampler_with_generator(n, seed):
    ours = D.RandomSampler(range(n), generator=Generator().manual_seed(seed))
    theirs = TD.RandomSampler(range(n), generator=torch.Generator().manual_seed(seed))
    for _ in range(3): assert list(ours) == list(theirs)      # several epochs from one generator

@pytest.mark.parametrize('replacement,num_samples', [(True, None), (True, 70), (False, 25), (False, 3), (True, 5)])
def test_random_sampler_options(replacement, num_samples):
    ours = D.RandomSampler(range(10), replacement, num_samples, generator=Generator().manual_seed(5))
    theirs = TD.RandomSampler(range(10), replacement, num_samples, generator=torch.Generator().manual_seed(5))
    assert list(ours) == list(theirs) and len(ours) == len(theirs)

def test_random_sampler_global_seed():
    tinygrad_edu.manual_seed(7); torch.manual_seed(7)
    ours, theirs = D.RandomSampler(range(20)), TD.RandomSampler(range(20))
    for _ in range(3): assert list(ours) == list(theirs)

def test_subset_random_sampler():
    ours = D.SubsetRandomSampler([5, 9, 11, 2], generator=Generator().manual_seed(1))
    theirs = TD.SubsetRandomSampler([5, 9, 11, 2], generator=torch.Generator().manual_seed(1))
    assert list(ours) == list(theirs)

@pytest.mark.parametrize('bs,drop', [(1, False), (3, False), (3, True), (10, True), (11, False), (11, True)])
def test_batch_sampler(bs, drop):
    assert list(D.BatchSampler(range(10), bs, drop)) == list(TD.BatchSampler(range(10), bs, drop))
    assert len(D.BatchSampler(range(10), bs, drop)) == len(TD.BatchSampler(range(10), bs, drop))

def test_sampler_errors():
    for args in [(range(3), 0, False), (range(3), True, False), (range(3), 2, 1)]:
        with pytest.raises(ValueError) as a: D.BatchSampler(*args)
        with pytest.raises(ValueError) as b: TD.BatchSampler(*args)
        assert str(a.value) == str(b.value)
    with pytest.raises(TypeError, match="replacement should be a boolean"): D.RandomSampler(range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"): D.RandomSampler(range(3), num_samples=0)


# ---------------------------------------------------------------- DistributedSampler
@pytest.mark.parametrize('n', [1, 5, 16, 17])
@pytest.mark.parametrize('num_replicas', [1, 2, 3, 4])
@pytest.mark.parametrize('shuffle', [True, False])
@pytest.mark.parametrize('drop_last', [True, False])
def test_distributed_sampler_partitions(n, num_replicas, shuffle, drop_last):
    if drop_last and n < num_replicas: return                 # torch gives num_samples 0 too, nothing to compare
    for rank in range(num_replicas):
        ours = D.DistributedSampler(range(n), num_replicas, rank, shuffle, seed=3, drop_last=drop_last)
        theirs = TD.DistributedSampler(range(n), num_replicas, rank, shuffle, seed=3, drop_last=drop_last)
        for epoch in (0, 1, 5):
            ours.set_epoch(epoch); theirs.set_epoch(epoch)
            assert list(ours) == list(theirs), (rank, epoch)
        assert len(ours) == len(theirs) and ours.total_size == theirs.total_size

def test_distributed_sampler_module_and_errors(monkeypatch):
    from tinygrad_edu.utils.data.distributed import DistributedSampler
    assert DistributedSampler is D.DistributedSampler
    with pytest.raises(ValueError, match=r"Invalid rank 2, rank should be in the interval \[0, 1\]"):
        DistributedSampler(range(4), 2, 2)
    monkeypatch.delenv('WORLD_SIZE', raising=False)
    with pytest.raises(ValueError, match="Default process group has not been initialized"): DistributedSampler(range(4))
    monkeypatch.setenv('WORLD_SIZE', '2'); monkeypatch.setenv('RANK', '1')
    assert list(DistributedSampler(range(4), shuffle=False)) == [1, 3]

def test_seed_003_set_epoch():
    "16 items, 2 replicas: without set_epoch epochs repeat; with it they change (as in PyTorch)."
    for use_set_epoch in (False, True):
        ours = [D.DistributedSampler(range(16), 2, r) for r in (0, 1)]
        theirs = [TD.DistributedSampler(range(16), 2, r) for r in (0, 1)]
        seen = []
        for e in range(2):
            if use_set_epoch:
                for s in ours + theirs: s.set_epoch(e)
            got = [list(D.DataLoader(range(16), batch_size=2, sampler=s)) for s in ours]
            exp = [list(TD.DataLoader(range(16), batch_size=2, sampler=s)) for s in theirs]
            assert [[b.tolist() for b in g] for g in got] == [[b.tolist() for b in x] for x in exp]
            seen.append(got)
        assert (to_py(seen[0]) == to_py(seen[1])) != use_set_epoch


# ---------------------------------------------------------------- DataLoader
def batches_py(loader): return [to_py(b) for b in loader]

@pytest.mark.parametrize('kw', [dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None),
                                dict(batch_size=4, shuffle=True), dict(batch_size=1, shuffle=True)])
def test_dataloader_matches_torch(kw):
    data = [(i, float(i) / 2, np.full(2, i, np.int32)) for i in range(10)]
    tinygrad_edu.manual_seed(3); torch.manual_seed(3)
    ours, theirs = D.DataLoader(data, **kw), TD.DataLoader(data, **kw)
    for _ in range(2): assert batches_py(ours) == batches_py(theirs)
    assert len(ours) == len(theirs)

def test_dataloader_generator_matches_torch():
    ours = D.DataLoader(range(20), batch_size=6, shuffle=True, generator=Generator().manual_seed(9))
    theirs = TD.DataLoader(range(20), batch_size=6, shuffle=True, generator=torch.Generator().manual_seed(9))
    for _ in range(3): assert batches_py(ours) == batches_py(theirs)

def test_dataloader_batch_sampler_and_sampler():
    bs = [[3, 1], [0, 2, 4]]
    assert batches_py(D.DataLoader(range(5), batch_sampler=bs)) == batches_py(TD.DataLoader(range(5), batch_sampler=bs))
    assert batches_py(D.DataLoader(range(5), sampler=[4, 0, 2], batch_size=2)) == \
           batches_py(TD.DataLoader(range(5), sampler=[4, 0, 2], batch_size=2))

@pytest.mark.parametrize('kw', [dict(shuffle=True, sampler=[0]), dict(batch_sampler=[[0]], batch_size=2),
                                dict(batch_sampler=[[0]], drop_last=True), dict(batch_size=None, drop_last=True),
                                dict(num_workers=-1), dict(prefetch_factor=2), dict(persistent_workers=True),
                                dict(timeout=-1)])
def test_dataloader_argument_errors_match_torch(kw):
    with pytest.raises(ValueError) as a: D.DataLoader(range(4), **kw)
    with pytest.raises(ValueError) as b: TD.DataLoader(range(4), **kw)
    assert str(a.value) == str(b.value)

class Stream(D.IterableDataset):
    def __init__(self, n): self.n = n
    def __iter__(self):
        info = D.get_worker_info()
        k, i = (1, 0) if info is None else (info.num_workers, info.id)
        return iter(range(i, self.n, k))
    def __len__(self): return self.n

class TStream(TD.IterableDataset):
    def __init__(self, n): self.n = n
    def __iter__(self):
        info = TD.get_worker_info()
        k, i = (1, 0) if info is None else (info.num_workers, info.id)
        return iter(range(i, self.n, k))
    def __len__(self): return self.n

@pytest.mark.parametrize('nw', [0, 2])
def test_iterable_dataset_matches_torch(nw):
    for kw in (dict(batch_size=3), dict(batch_size=3, drop_last=True), dict(batch_size=None)):
        assert batches_py(D.DataLoader(Stream(11), num_workers=nw, **kw)) == batches_py(TD.DataLoader(TStream(11), num_workers=nw, **kw))
        assert len(D.DataLoader(Stream(11), **kw)) == len(TD.DataLoader(TStream(11), **kw))
    with pytest.raises(ValueError, match="expected unspecified shuffle option"): D.DataLoader(Stream(3), shuffle=True)


# ---------------------------------------------------------------- worker processes
class Squares(D.Dataset):
    def __len__(self): return 37
    def __getitem__(self, i): return {'x': np.full((4, 4), i * i, np.float32), 'i': i}

@pytest.mark.parametrize('kw', [dict(batch_size=5), dict(batch_size=5, shuffle=True), dict(batch_size=None),
                                dict(batch_size=8, drop_last=True, prefetch_factor=1)])
def test_workers_give_same_batches(kw):
    g0, g2 = Generator().manual_seed(1), Generator().manual_seed(1)
    kw0 = {k: v for k, v in kw.items() if k != 'prefetch_factor'}
    single = batches_py(D.DataLoader(Squares(), generator=g0, **kw0))
    multi = batches_py(D.DataLoader(Squares(), num_workers=2, generator=g2, **kw))
    assert single == multi

def test_workers_large_batches_shared_memory():
    "Big arrays travel through /dev/shm; values survive and no file is left behind."
    class Big(D.Dataset):
        def __len__(self): return 8
        def __getitem__(self, i): return np.full((64, 64, 3), i, np.float32)
    before = set(os.listdir('/dev/shm')) if os.path.isdir('/dev/shm') else set()
    out = [b.array.copy() for b in D.DataLoader(Big(), batch_size=4, num_workers=2)]
    assert [o[:, 0, 0, 0].tolist() for o in out] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    it = iter(D.DataLoader(Big(), batch_size=1, num_workers=2)); next(it); del it       # abandoned mid-epoch
    loader = D.DataLoader(Big(), batch_size=2, num_workers=2, persistent_workers=True)
    first = [b.array.copy() for b in loader]; held = list(loader)                      # slots are reused: held batches must not change
    assert all(np.array_equal(a.array, b) for a, b in zip(held, first)) and len(held) == 4
    del loader, held
    import gc; gc.collect()
    after = set(os.listdir('/dev/shm')) if os.path.isdir('/dev/shm') else set()
    assert not {p for p in after - before if p.startswith('tge-')}

class Seeds(D.Dataset):
    def __len__(self): return 8
    def __getitem__(self, i):
        import random
        info = D.get_worker_info()
        return [info.id, info.seed, info.num_workers, random.random(), float(np.random.rand()),
                float(tinygrad_edu.rand(1).item()), os.environ.get('TGE_INIT', '')]

def _init(worker_id):
    os.environ['TGE_INIT'] = f'init{worker_id}'

def test_worker_seeds_info_and_init_fn():
    rows = [r for b in D.DataLoader(Seeds(), batch_size=None, num_workers=2, worker_init_fn=_init) for r in [b]]
    rows = [[x.item() if hasattr(x, 'item') else x for x in r] for r in rows]
    by_worker = {r[0]: r for r in rows}
    assert set(by_worker) == {0, 1}
    s0, s1 = by_worker[0][1], by_worker[1][1]
    assert s1 == s0 + 1                                           # seed = base_seed + worker_id
    assert all(r[2] == 2 for r in rows)
    assert by_worker[0][3:6] != by_worker[1][3:6]                 # python, numpy, library RNGs differ per worker
    assert {r[6] for r in rows} == {'init0', 'init1'}
    assert D.get_worker_info() is None                            # main process

def test_base_seed_drawn_from_loader_generator():
    a = [r[1] for r in D.DataLoader(Seeds(), batch_size=None, num_workers=2, generator=Generator().manual_seed(4))]
    b = [r[1] for r in D.DataLoader(Seeds(), batch_size=None, num_workers=2, generator=Generator().manual_seed(4))]
    assert a == b
    # base_seed = torch.empty((), dtype=torch.int64).random_(generator=g) for the same seed
    expected = torch.empty((), dtype=torch.int64).random_(generator=torch.Generator().manual_seed(4)).item()
    assert min(a) == expected

def test_numpy_worker_seed_matches_torch_formula():
    from torch.utils.data._utils.worker import _generate_state as torch_state
    from tinygrad_edu.utils.data.dataloader import _generate_state
    for base in (0, 1, 2**40 + 3, 2**63 - 1):
        for wid in (0, 1, 7): assert _generate_state(base, wid) == torch_state(base, wid)

class Faulty(D.Dataset):
    def __len__(self): return 6
    def __getitem__(self, i):
        if i == 4: raise KeyError(f"no sample number {i}")
        return i

def test_worker_exception_reraised_with_traceback():
    with pytest.raises(KeyError) as e: list(D.DataLoader(Faulty(), batch_size=2, num_workers=2))
    msg = str(e.value)
    assert "Caught KeyError in DataLoader worker process 0." in msg
    assert "Original Traceback (most recent call last):" in msg and "no sample number 4" in msg
    assert "__getitem__" in msg and "test_data.py" in msg

def _bad_init(worker_id): raise ValueError(f"init failed in {worker_id}")

def test_worker_init_fn_exception():
    with pytest.raises(ValueError, match="init failed in 0"): list(D.DataLoader(range(4), num_workers=2, worker_init_fn=_bad_init))

def test_persistent_workers_and_in_order_false():
    loader = D.DataLoader(Squares(), batch_size=4, num_workers=2, persistent_workers=True)
    first, second = batches_py(loader), batches_py(loader)
    assert first == second == batches_py(D.DataLoader(Squares(), batch_size=4))
    it1 = iter(loader); next(it1)                                 # abandon an epoch half-way
    assert batches_py(loader) == first
    un = D.DataLoader(range(20), batch_size=3, num_workers=2, in_order=False)
    assert sorted(x for b in un for x in b.tolist()) == list(range(20))

def test_batch_transform_hook():
    class Arr(D.Dataset):
        def __init__(self): self.data = np.arange(10 * 2, dtype=np.uint8).reshape(10, 2)
        def __len__(self): return 10
        def __getitem__(self, i): return self.data[i], i
        def get_batch(self, idx): return self.data[idx], np.asarray(idx)
    double = lambda x: x.astype(np.float32) * 2
    for nw in (0, 2):
        out = list(D.DataLoader(Arr(), batch_size=4, num_workers=nw, batch_transform=double))
        assert out[0][0].tolist() == (np.arange(8).reshape(4, 2) * 2).tolist() and out[0][1].tolist() == [0, 1, 2, 3]
        assert str(out[0][0].dtype) == 'torch.float32' and len(out) == 3
    # without get_batch: collate first, then the hook on the inputs
    out = list(D.DataLoader([(np.ones(2, np.uint8), 1)] * 3, batch_size=3, batch_transform=lambda x: x.array * 3))
    assert out[0][0].tolist() == [[3, 3]] * 3 and out[0][1].tolist() == [1, 1, 1]


# ---------------------------------------------------------------- pad_sequence and seed 000 §9
@pytest.mark.parametrize('batch_first', [True, False])
@pytest.mark.parametrize('padding_value', [0, -1.5])
@pytest.mark.parametrize('side', ['right', 'left'])
def test_pad_sequence_matches_torch(batch_first, padding_value, side):
    rng = np.random.default_rng(0)
    seqs = [rng.standard_normal((L, 3)).astype(np.float32) for L in (4, 1, 6)]
    ours = pad_sequence([tensor(s) for s in seqs], batch_first, padding_value, side)
    theirs = torch_pad_sequence([torch.tensor(s) for s in seqs], batch_first, padding_value, side)
    assert ours.shape == tuple(theirs.shape) and np.array_equal(ours.array, theirs.numpy())

def test_seed_000_custom_collate():
    nlp_data = [{'tokenized_input': [1, 4, 5, 9, 3, 2], 'label': 0},
                {'tokenized_input': [1, 7, 3, 14, 48, 7, 23, 154, 2], 'label': 0},
                {'tokenized_input': [1, 30, 67, 117, 21, 15, 2], 'label': 1},
                {'tokenized_input': [1, 17, 2], 'label': 0}]
    def make(lib, pad):
        def custom_collate(data):
            inputs = pad([lib.tensor(d['tokenized_input']) for d in data], batch_first=True)
            return {'tokenized_input': inputs, 'label': lib.tensor([d['label'] for d in data])}
        return custom_collate
    ours = D.DataLoader(nlp_data, batch_size=2, shuffle=False, collate_fn=make(tinygrad_edu, pad_sequence))
    theirs = TD.DataLoader(nlp_data, batch_size=2, shuffle=False, collate_fn=make(torch, torch_pad_sequence))
    assert batches_py(ours) == batches_py(theirs)
