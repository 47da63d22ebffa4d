"""save/load (notebook 11): exact round trips, containers, file objects, atomic writes, clear errors."""
import io, math, os, pickle, zipfile
from collections import OrderedDict
import numpy as np
import pytest
import tinygrad_edu as tg
from tinygrad_edu.serialization import save, load

def roundtrip(obj, **kw):
    b = io.BytesIO(); save(obj, b); b.seek(0)
    return load(b, **kw)

@pytest.mark.parametrize('dt', ['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool',
                                'complex64', 'complex128'])
@pytest.mark.parametrize('shape', [(), (0,), (3,), (2, 3, 4)])
def test_tensor_roundtrip_exact(dt, shape):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(shape) * 100).astype(dt) if dt != 'bool' else rng.random(shape) > 0.5
    t = tg.tensor(a)
    u = roundtrip(t)
    assert type(u) is tg.Tensor and u.dtype is t.dtype and u.shape == t.shape
    np.testing.assert_array_equal(u.array, a)
    assert u.array.tobytes() == np.ascontiguousarray(a).tobytes()

def test_noncontiguous_and_view():
    x = tg.arange(12.).reshape(3, 4)
    for v in (x.t(), x[:, 1:3], x[::2]):
        u = roundtrip(v)
        np.testing.assert_array_equal(u.array, v.array)

def test_requires_grad_like_torch():
    x = tg.ones(2, requires_grad=True)
    assert roundtrip(x).requires_grad and roundtrip(x).is_leaf
    y = roundtrip(x * 2)               # torch: a saved non-leaf loads as a leaf that requires grad
    assert y.requires_grad and y.is_leaf and y.grad_fn is None
    assert not roundtrip(tg.ones(2)).requires_grad
    x.grad = tg.ones(2)
    assert roundtrip(x).grad is None

def test_tensor_subclass_kept():
    class Sub(tg.Tensor): pass      # not in tinygrad_edu: loads as a Tensor
    s = Sub._wrap(np.ones(2, np.float32))
    assert type(roundtrip(s)) is tg.Tensor
    nn = pytest.importorskip('tinygrad_edu.nn')
    if not hasattr(nn, 'Parameter'): pytest.skip('nn.Parameter not built yet')
    p = nn.Parameter(tg.ones(2))
    q = roundtrip(p)
    assert type(q) is nn.Parameter and q.requires_grad

def test_nested_containers():
    t = tg.tensor([1, 2, 3])
    obj = OrderedDict(a=[1, 2.5, 'x', None, True, (t, t)], b={0: {'m': tg.zeros(2)}, 1: {}, 'k': -7},
                      c=(), d=[], e={}, f=float('inf'), g=float('-inf'), h=float('nan'), i=2 ** 70,
                      j={3, 1, 2}, k=tg.Size([2, 3]), l=tg.float64, m=tg.device('cpu'), n=np.arange(3),
                      o=np.float32(1.5), p="ünïcödé", q=frozenset({'z'}))
    obj._metadata = OrderedDict({'': {'version': 1}})
    u = roundtrip(obj)
    assert type(u) is OrderedDict and list(u) == list(obj) and u._metadata == obj._metadata
    assert u['a'][:5] == [1, 2.5, 'x', None, True] and isinstance(u['a'][5], tuple)
    assert type(u['a'][1]) is float and type(u['a'][0]) is int and type(u['a'][4]) is bool
    assert u['a'][5][0] is u['a'][5][1]           # the same tensor saved twice loads as one object
    assert list(u['b']) == [0, 1, 'k'] and u['b'][0]['m'].tolist() == [0., 0.]
    assert u['c'] == () and u['d'] == [] and u['e'] == {}
    assert u['f'] == math.inf and u['g'] == -math.inf and math.isnan(u['h']) and u['i'] == 2 ** 70
    assert u['j'] == {1, 2, 3} and u['q'] == frozenset({'z'})
    assert isinstance(u['k'], tg.Size) and tuple(u['k']) == (2, 3)
    assert u['l'] is tg.float64 and u['m'] == tg.device('cpu')
    assert isinstance(u['n'], np.ndarray) and u['n'].tolist() == [0, 1, 2]
    assert u['o'] == np.float32(1.5) and u['o'].dtype == np.float32 and u['p'] == "ünïcödé"

def test_path_and_pathlike(tmp_path):
    sd = {'w': tg.randn(3, 3), 'b': tg.zeros(3, dtype=tg.float64)}
    for p in (str(tmp_path / 'a.pt'), tmp_path / 'b.pt'):
        save(sd, p)
        u = load(p)
        assert u.keys() == sd.keys() and all(np.array_equal(u[k].array, sd[k].array) for k in sd)
    assert sorted(os.listdir(tmp_path)) == ['a.pt', 'b.pt']
    assert tg.load is load and tg.save is save

def test_optimizer_state_dict_roundtrip():
    p = tg.tensor([1., 2.], requires_grad=True)
    opt = tg.optim.Adam([p], lr=0.01, amsgrad=True)
    p.grad = tg.tensor([0.3, -0.1]); opt.step()
    sd = opt.state_dict()
    u = roundtrip(sd)
    assert u['param_groups'] == sd['param_groups']
    assert isinstance(u['param_groups'][0]['betas'], tuple)
    assert list(u['state']) == [0]
    for k, v in sd['state'][0].items():
        assert u['state'][0][k].dtype is v.dtype and np.array_equal(u['state'][0][k].array, v.array)

def test_atomic_write_keeps_old_file(tmp_path):
    path = tmp_path / 'ck.pt'
    save({'x': tg.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match="can't save an object of type"):
        save({'x': tg.zeros(2), 'f': lambda: 0}, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ['ck.pt']
    with pytest.raises(TypeError):
        save({'f': lambda: 0}, tmp_path / 'new.pt')
    assert os.listdir(tmp_path) == ['ck.pt']

def test_atomic_write_failure_mid_write(tmp_path, monkeypatch):
    path = tmp_path / 'ck.pt'
    save([1], path)
    def boom(fd): raise OSError("disk full")
    monkeypatch.setattr(os, 'fsync', boom)
    with pytest.raises(OSError, match='disk full'): save([2], path)
    monkeypatch.undo()
    assert load(path) == [1] and os.listdir(tmp_path) == ['ck.pt']

def test_truncated_file_names_path(tmp_path):
    path = tmp_path / 'model.pt'
    save({'w': tg.randn(100)}, path)
    data = path.read_bytes()
    for cut in (1, 30, len(data) // 2, len(data) - 5):
        bad = tmp_path / f'cut{cut}.pt'
        bad.write_bytes(data[:cut])
        with pytest.raises(RuntimeError, match=f"cut{cut}.pt.*failed finding central directory"):
            load(bad)

def test_foreign_files(tmp_path):
    rnd = tmp_path / 'random.bin'
    rnd.write_bytes(np.random.default_rng(0).bytes(1000))
    with pytest.raises(RuntimeError, match="random.bin"): load(rnd)
    pk = tmp_path / 'evil.pkl'
    pk.write_bytes(pickle.dumps({'a': 1}))
    with pytest.raises(RuntimeError, match="evil.pkl.*pickle"): load(pk)
    empty = tmp_path / 'empty.pt'; empty.write_bytes(b'')
    with pytest.raises(RuntimeError, match="empty.pt"): load(empty)
    z = tmp_path / 'other.zip'
    with zipfile.ZipFile(z, 'w') as f: f.writestr('hello.txt', 'hi')
    with pytest.raises(RuntimeError, match="other.zip.*not a tinygrad_edu checkpoint"): load(z)
    torch = pytest.importorskip('torch')
    tp = tmp_path / 'torch.pt'
    torch.save({'w': torch.ones(2)}, tp)
    with pytest.raises(RuntimeError, match="torch.pt.*torch.save checkpoint"): load(tp)
    with pytest.raises(FileNotFoundError, match='missing.pt'): load(tmp_path / 'missing.pt')

def test_corrupt_members(tmp_path):
    path = tmp_path / 'c.pt'
    save({'w': tg.ones(3)}, path)
    def rewrite(name, fn):
        with zipfile.ZipFile(path) as z: items = {n: z.read(n) for n in z.namelist()}
        fn(items)
        with zipfile.ZipFile(name, 'w') as z:
            for n, d in items.items(): z.writestr(n, d)
        return name
    b = rewrite(tmp_path / 'nojson.pt', lambda d: d.pop('tinygrad_edu/data.json'))
    with pytest.raises(RuntimeError, match="nojson.pt.*data.json"): load(b)
    b = rewrite(tmp_path / 'badjson.pt', lambda d: d.update({'tinygrad_edu/data.json': b'{not json'}))
    with pytest.raises(RuntimeError, match="badjson.pt.*not valid JSON"): load(b)
    b = rewrite(tmp_path / 'ver.pt', lambda d: d.update({'tinygrad_edu/format': b'tinygrad_edu-save 99'}))
    with pytest.raises(RuntimeError, match="ver.pt.*unsupported checkpoint format"): load(b)
    def objnpy(d):
        buf = io.BytesIO(); np.save(buf, np.array([object()], dtype=object), allow_pickle=True)
        d['tinygrad_edu/tensors/0.npy'] = buf.getvalue()
    b = rewrite(tmp_path / 'objnpy.pt', objnpy)
    with pytest.raises(RuntimeError, match="objnpy.pt.*not a plain .npy"): load(b)
    def npy(a):
        def put(d):
            buf = io.BytesIO(); np.save(buf, a); d['tinygrad_edu/tensors/0.npy'] = buf.getvalue()
        return put
    b = rewrite(tmp_path / 'dtype.pt', npy(np.ones(3, np.float64)))
    with pytest.raises(RuntimeError, match="dtype.pt.*should be float32"): load(b)
    b = rewrite(tmp_path / 'short.pt', npy(np.ones(2, np.float32)))     # the tensor's 3 values don't fit in 2
    with pytest.raises(RuntimeError, match="short.pt.*outside its storage"): load(b)
    def bad_view(d):
        d['tinygrad_edu/data.json'] = (b'{"type": "tensor", "id": 0, "storage": 0, "offset": 2, "stride": [1000000], '
                                       b'"shape": [2], "dtype": "float32"}')
    b = rewrite(tmp_path / 'view.pt', bad_view)                          # would read far outside the array
    with pytest.raises(RuntimeError, match="view.pt.*outside its storage"): load(b)
    def neg_view(d):
        d['tinygrad_edu/data.json'] = b'{"type": "tensor", "id": 0, "storage": 0, "offset": 0, "stride": [-1], "shape": [2], "dtype": "float32"}'
    b = rewrite(tmp_path / 'neg.pt', neg_view)
    with pytest.raises(RuntimeError, match="neg.pt.*outside its storage"): load(b)
    b = rewrite(tmp_path / 'node.pt', lambda d: d.update({'tinygrad_edu/data.json': b'{"type": "os.system", "cmd": "rm"}'}))
    with pytest.raises(RuntimeError, match="node.pt.*unknown node type"): load(b)
    for i, bad in enumerate([b'{"type": "list", "items": 5}', b'{"type": "tensor"}', b'{"type": "dict", "keys": [1], "values": []}',
                             b'{"type": "tensor", "id": "x", "dtype": "float32", "shape": [3]}', b'[' * 100000 + b']' * 100000,
                             b'{"type": "Size", "items": [[1]]}', b'{"type": "dtype", "name": "object"}']):
        b = rewrite(tmp_path / f'malformed{i}.pt', lambda d: d.update({'tinygrad_edu/data.json': bad}))
        with pytest.raises(RuntimeError, match=f"malformed{i}.pt"): load(b)

class Box:
    def __init__(self): self.w, self.items = tg.ones(2, 2), [1, 'a']

def test_whole_object_needs_weights_only_false():
    b = io.BytesIO(); save(Box(), b)
    b.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="weights_only=False"): load(b)
    b.seek(0)
    box = load(b, weights_only=False)
    assert isinstance(box, Box) and box.w.tolist() == [[1., 1.], [1., 1.]] and box.items == [1, 'a']
    with zipfile.ZipFile(io.BytesIO(b.getvalue())) as z:       # the tensor went to a .npy, not into the pickle
        assert 'tinygrad_edu/tensors/0.npy' in z.namelist()

def test_map_location():
    t = tg.ones(2)
    for m in ('cpu', tg.device('cpu'), {'cpu': 'cpu'}):
        assert roundtrip(t, map_location=m).device == tg.device('cpu')
    if not tg.cuda.is_available():
        with pytest.raises((RuntimeError, AssertionError)): roundtrip(t, map_location='cuda')

@pytest.mark.skipif(not tg.cuda.is_available(), reason="needs a GPU")
def test_cuda_roundtrip():
    t = tg.randn(3, device='cuda')
    u = roundtrip(t)
    assert u.device.type == 'cuda' and np.array_equal(u.array.get(), t.array.get())
    assert roundtrip(t, map_location='cpu').device.type == 'cpu'

def test_missing_parent_dir_and_permissions(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .*nope does not exist"):
        save([1], tmp_path / 'nope' / 'x.pt')
    save([1], tmp_path / 'x.pt')
    mode = os.stat(tmp_path / 'x.pt').st_mode & 0o777
    umask = os.umask(0o022); os.umask(umask)
    assert mode == 0o666 & ~umask

class _Stream:
    "A write-only / read-only stream without seek (a pipe, a socket)."
    def __init__(self, data=b''): self.buf, self.data = io.BytesIO(), data
    def write(self, b): return self.buf.write(b)
    def flush(self): pass
    def read(self, n=-1):
        out, self.data = (self.data, b'') if n < 0 else (self.data[:n], self.data[n:])
        return out

def test_unseekable_streams():
    obj = {'w': tg.randn(5, 5), 'n': [1, 2]}
    w = _Stream(); save(obj, w)
    u = load(_Stream(w.buf.getvalue()))
    assert np.array_equal(u['w'].array, obj['w'].array) and u['n'] == [1, 2]

def test_views_keep_sharing_memory_like_torch():
    x = tg.randn(3, 4)
    objs = [x, x[0], x.t(), x[:, 1], x[1:, ::2], x.reshape(2, 6)]
    u = roundtrip(objs)
    for a, b in zip(u, objs): np.testing.assert_array_equal(a.array, b.array)
    assert u[0]._base is None and all(v._base is u[0] for v in u[1:])
    assert all(np.shares_memory(v.array, u[0].array) for v in u[1:])
    u[0].add_(100)                                   # writes through the base are seen by every view
    np.testing.assert_array_equal(u[1].array, objs[1].array + 100)
    assert u[3]._version == u[0]._version == 1       # and they share the version counter
    b = io.BytesIO(); save(objs, b)
    with zipfile.ZipFile(b) as z: assert [n for n in z.namelist() if n.endswith('.npy')] == ['tinygrad_edu/tensors/0.npy']
    torch = pytest.importorskip('torch')
    tx = torch.arange(12.).reshape(3, 4)               # torch keeps the sharing too
    tb = io.BytesIO(); torch.save([tx, tx[0]], tb); tb.seek(0); ty = torch.load(tb)
    assert ty[1].data_ptr() == ty[0].data_ptr()

def test_view_saved_without_its_base():
    x = tg.arange(10.)
    v = x[2:5]
    u = roundtrip([v, v])
    assert u[0] is u[1] and u[0].tolist() == [2., 3., 4.] and u[0]._base is not None and u[0]._base.shape == (10,)
    w = roundtrip(v.clone())                             # clone() to save just the view's values
    assert w.tolist() == [2., 3., 4.] and w._base is None
    e = roundtrip(tg.ones(3, 1).expand(3, 4))            # an expanded view: zero strides, read-only like the original
    assert e.shape == (3, 4) and e.tolist() == [[1.] * 4] * 3

def test_view_requires_grad_and_parameter_alias():
    x = tg.randn(4, 3, requires_grad=True)
    with tg.no_grad(): v = x[0]
    u = roundtrip({'x': x, 'v': v})
    assert u['x'].requires_grad and u['v']._base is u['x']
    (u['x'] * 2).sum().backward()
    assert u['x'].grad.tolist() == [[2.] * 3] * 4
