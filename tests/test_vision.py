"""vision: transforms vs hand-computed values (and PyTorch's RNG draws), batch transforms, CIFAR10 on fake
official-format batches (incl. verified download from file:// and a loopback HTTP server), ImageFolder on
a temp tree and on a zip, the decoded cache, the embedded sample, make_grid."""
import functools, hashlib, http.server, io, os, pickle, tarfile, threading, zipfile
from pathlib import Path
import numpy as np
import pytest
import torch
from PIL import Image

import tinygrad_edu
from tinygrad_edu.tensor import Tensor, tensor
from tinygrad_edu.utils.data import DataLoader
from tinygrad_edu.vision import transforms as T, datasets, utils


# ---------------------------------------------------------------- transforms
def test_to_tensor_hand_values():
    img = np.array([[[0, 51, 255], [102, 204, 1]]], dtype=np.uint8)        # 1x2, 3 channels
    t = T.ToTensor()(img)
    assert t.shape == (3, 1, 2) and str(t.dtype) == 'torch.float32'
    exp = np.array([[[0, 102]], [[51, 204]], [[255, 1]]], np.float32) / np.float32(255)
    assert np.array_equal(t.array, exp)
    p = T.ToTensor()(Image.fromarray(img))
    assert np.array_equal(p.array, exp)
    g = T.ToTensor()(np.array([[7, 9]], np.uint8))                          # 2-D -> 1 channel
    assert g.shape == (1, 1, 2)
    f = T.ToTensor()(np.ones((2, 2, 1), np.float64))                        # not uint8: no scaling
    assert str(f.dtype) == 'torch.float64' and f.array.max() == 1
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"): T.ToTensor()([1, 2])

def test_normalize_hand_values():
    x = tensor(np.arange(12, dtype=np.float32).reshape(3, 2, 2))
    n = T.Normalize((1., 2., 3.), (2., 4., 0.5))(x)
    exp = (np.arange(12, dtype=np.float32).reshape(3, 2, 2) - np.array([1, 2, 3], np.float32)[:, None, None]) \
          / np.array([2, 4, .5], np.float32)[:, None, None]
    assert np.allclose(n.array, exp) and np.array_equal(x.array, np.arange(12, dtype=np.float32).reshape(3, 2, 2))
    batch = tensor(np.stack([x.array] * 2))
    assert np.allclose(T.Normalize((1., 2., 3.), (2., 4., 0.5))(batch).array[1], exp)     # (N, C, H, W) too
    with pytest.raises(ValueError, match="std evaluated to zero"): T.Normalize((0,) * 3, (1, 0, 1))(x)
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"): T.Normalize((0,), (1,))(tensor([[[1]]]))
    with pytest.raises(TypeError, match="img should be Tensor Image"): T.Normalize((0,), (1,))(np.zeros((1, 2, 2)))
    with pytest.raises(ValueError, match="Expected tensor to be a tensor image of size"): T.Normalize((0,), (1,))(tensor([1.]))

def test_compose_lambda_repr():
    c = T.Compose([T.Lambda(lambda x: x + 1), T.Lambda(lambda x: x * 10)])
    assert c(1) == 20 and 'Lambda()' in repr(c)
    with pytest.raises(TypeError, match="Argument lambd should be callable"): T.Lambda(3)

@pytest.mark.parametrize('seed', [0, 1, 2, 3, 4, 5])
def test_random_crop_uses_torch_draws(seed):
    "torchvision draws i = randint(0, h-th+1), then j; we draw the same numbers from the same seed."
    img = np.arange(5 * 6 * 3, dtype=np.uint8).reshape(5, 6, 3)
    tinygrad_edu.manual_seed(seed); torch.manual_seed(seed)
    out = T.RandomCrop((3, 2), padding=1)(img)
    padded = np.pad(img, ((1, 1), (1, 1), (0, 0)))
    i = torch.randint(0, 7 - 3 + 1, size=(1,)).item(); j = torch.randint(0, 8 - 2 + 1, size=(1,)).item()
    assert np.array_equal(out, padded[i:i + 3, j:j + 2])

@pytest.mark.parametrize('seed', range(6))
def test_random_flip_uses_torch_draws(seed):
    img = np.arange(2 * 3 * 1, dtype=np.uint8).reshape(2, 3, 1)
    tinygrad_edu.manual_seed(seed); torch.manual_seed(seed)
    out = T.RandomHorizontalFlip(0.5)(img)
    flipped = torch.rand(1).item() < 0.5
    assert np.array_equal(out, img[:, ::-1] if flipped else img)

def test_random_crop_kinds_and_padding_modes():
    t = tensor(np.arange(2 * 4 * 4, dtype=np.float32).reshape(2, 4, 4))
    out = T.RandomCrop(4, padding=2, padding_mode='reflect')(t)
    assert isinstance(out, Tensor) and out.shape == (2, 4, 4)
    pil = Image.fromarray(np.zeros((4, 4, 3), np.uint8))
    assert T.RandomCrop(2)(pil).size == (2, 2)
    assert T.RandomCrop(6, pad_if_needed=True)(np.ones((4, 4, 3), np.uint8)).shape == (6, 6, 3)
    with pytest.raises(ValueError, match=r"Required crop size \(5, 5\) is larger than input image size \(4, 4\)"):
        T.RandomCrop(5)(np.ones((4, 4, 3), np.uint8))

def test_batch_random_crop_each_image_own_offset():
    rng = np.random.default_rng(0)
    batch = rng.integers(0, 255, (300, 4, 5, 3), dtype=np.uint8)
    out = T.BatchRandomCrop((4, 5), padding=2)(batch)
    assert out.shape == batch.shape and out.dtype == np.uint8
    padded = np.pad(batch, ((0, 0), (2, 2), (2, 2), (0, 0)))
    offsets = set()
    for k in range(len(batch)):
        hits = [(i, j) for i in range(5) for j in range(5) if np.array_equal(out[k], padded[k, i:i + 4, j:j + 5])]
        assert hits, k
        offsets.add(hits[0])
    assert len(offsets) == 25                                            # all offsets occur
    tb = tensor(batch.transpose(0, 3, 1, 2).astype(np.float32))          # N, C, H, W tensor
    o = T.BatchRandomCrop(2)(tb)
    assert isinstance(o, Tensor) and o.shape == (300, 3, 2, 2)

def test_batch_flip_to_tensor_and_normalize():
    rng = np.random.default_rng(1)
    batch = rng.integers(0, 255, (400, 3, 4, 3), dtype=np.uint8)
    out = T.BatchRandomHorizontalFlip()(batch)
    flipped = [not np.array_equal(out[k], batch[k]) for k in range(400)]
    for k in range(400): assert np.array_equal(out[k], batch[k][:, ::-1] if flipped[k] else batch[k])
    assert 150 < sum(flipped) < 250
    assert np.array_equal(T.BatchRandomHorizontalFlip(p=0.)(batch), batch)
    tt = T.BatchToTensor()(batch)
    assert tt.shape == (400, 3, 3, 4) and np.array_equal(tt.array[7], T.ToTensor()(batch[7]).array)
    norm = T.Normalize((0.5, 0.4, 0.3), (0.2, 0.2, 0.2))(tt)
    assert np.allclose(norm.array[7], T.Normalize((0.5, 0.4, 0.3), (0.2, 0.2, 0.2))(T.ToTensor()(batch[7])).array)
    with pytest.raises(ValueError, match="expected a batch of images"): T.BatchToTensor()(batch[0])


# ---------------------------------------------------------------- CIFAR10, official format, fake data
def md5(p): return hashlib.md5(Path(p).read_bytes()).hexdigest()

def write_fake_cifar(root, n_per_batch=4):
    "Official layout: cifar-10-batches-py/{data_batch_1..2,test_batch,batches.meta}; returns a CIFAR10 subclass."
    base = Path(root) / 'cifar-10-batches-py'; base.mkdir(parents=True)
    rng = np.random.default_rng(0)
    arrays = {}
    for k, name in enumerate(['data_batch_1', 'data_batch_2', 'test_batch']):
        data = rng.integers(0, 255, (n_per_batch, 3072), dtype=np.uint8)
        labels = [(k * n_per_batch + i) % 10 for i in range(n_per_batch)]
        with open(base / name, 'wb') as f: pickle.dump({'batch_label': name, 'data': data, 'labels': labels, 'filenames': []}, f)
        arrays[name] = (data, labels)
    with open(base / 'batches.meta', 'wb') as f:
        pickle.dump({'label_names': ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']}, f)
    class Fake(datasets.CIFAR10):
        train_list = [['data_batch_1', md5(base / 'data_batch_1')], ['data_batch_2', md5(base / 'data_batch_2')]]
        test_list = [['test_batch', md5(base / 'test_batch')]]
        meta = {'filename': 'batches.meta', 'key': 'label_names', 'md5': md5(base / 'batches.meta')}
    return Fake, arrays

def test_cifar10_reads_official_pickles(tmp_path):
    Fake, arrays = write_fake_cifar(tmp_path)
    ds = Fake(tmp_path, train=True)
    assert len(ds) == 8 and ds.data.shape == (8, 32, 32, 3) and ds.data.dtype == np.uint8
    raw = arrays['data_batch_2'][0][1]                                     # image 5 = batch 2, row 1
    assert np.array_equal(ds.data[5], raw.reshape(3, 32, 32).transpose(1, 2, 0))
    assert ds.targets == arrays['data_batch_1'][1] + arrays['data_batch_2'][1]
    assert ds.classes[0] == 'airplane' and ds.class_to_idx['truck'] == 9
    img, target = ds[5]
    assert isinstance(img, Image.Image) and np.array_equal(np.asarray(img), ds.data[5]) and target == ds.targets[5]
    test = Fake(tmp_path, train=False, transform=T.ToTensor(), target_transform=lambda t: t + 100)
    x, y = test[0]
    assert x.shape == (3, 32, 32) and y == arrays['test_batch'][1][0] + 100

def test_cifar10_missing_or_corrupt(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted. You can use download=True"):
        datasets.CIFAR10(tmp_path / 'nothing')
    Fake, _ = write_fake_cifar(tmp_path)
    with open(tmp_path / 'cifar-10-batches-py' / 'data_batch_1', 'ab') as f: f.write(b'x')
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"): Fake(tmp_path)

def make_archive(src_root, dest, top='cifar-10-batches-py'):
    with tarfile.open(dest, 'w:gz') as tar: tar.add(Path(src_root) / top, arcname=top)
    return dest

def fake_with_url(tmp_path, url_for):
    "A Fake CIFAR10 class whose url/md5 point to a tar.gz of fake batches."
    src = tmp_path / 'src'
    Fake, arrays = write_fake_cifar(src)
    arc = make_archive(src, tmp_path / 'cifar-10-python.tar.gz')
    class Dl(Fake):
        url = url_for(arc)
        tgz_md5 = md5(arc)
    return Dl, arrays

def test_cifar10_download_from_file_url(tmp_path, capsys):
    Dl, arrays = fake_with_url(tmp_path, lambda p: Path(p).as_uri())
    root = tmp_path / 'root'
    ds = Dl(root, train=True, download=True)
    assert len(ds) == 8 and ds.targets[:4] == arrays['data_batch_1'][1]
    assert sorted(os.listdir(root)) == ['cifar-10-batches-py', 'cifar-10-python.tar.gz']   # no temp files left
    Dl(root, train=False, download=True)
    assert "Files already downloaded and verified" in capsys.readouterr().out

@pytest.fixture
def http_server(tmp_path):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown(); srv.server_close()

def test_cifar10_download_from_loopback_http(tmp_path, http_server):
    Dl, _ = fake_with_url(tmp_path, lambda p: f"{http_server}/{Path(p).name}")
    ds = Dl(tmp_path / 'root', train=False, download=True)
    assert len(ds) == 4

def test_cifar10_download_md5_mismatch_leaves_nothing(tmp_path):
    Dl, _ = fake_with_url(tmp_path, lambda p: Path(p).as_uri())
    class Bad(Dl): tgz_md5 = '0' * 32
    root = tmp_path / 'root'
    with pytest.raises(RuntimeError, match="MD5 mismatch") as e: Bad(root, download=True)
    assert "put cifar-10-python.tar.gz" in str(e.value)
    assert not root.exists()

def test_cifar10_download_unreachable_says_where_to_put_files(tmp_path):
    class Gone(datasets.CIFAR10): url = (tmp_path / 'missing.tar.gz').as_uri()
    with pytest.raises(RuntimeError, match=r"(?s)Could not download .*put cifar-10-python.tar.gz \(md5 c58f30108f718f92721af3b95e74349a\) in"):
        Gone(tmp_path / 'root', download=True)
    assert not (tmp_path / "root").exists()

def test_cifar10_wrong_archive_leaves_nothing(tmp_path):
    Dl, _ = fake_with_url(tmp_path, lambda p: Path(p).as_uri())
    (tmp_path / 'other' / 'something').mkdir(parents=True)
    (tmp_path / 'other' / 'something' / 'f').write_text('x')
    wrong = make_archive(tmp_path / 'other', tmp_path / 'wrong.tar.gz', top='something')
    class Wrong(Dl):
        url, tgz_md5 = wrong.as_uri(), md5(wrong)
    root = tmp_path / 'root'
    with pytest.raises(RuntimeError, match="does not contain the folder 'cifar-10-batches-py'"): Wrong(root, download=True)
    assert os.listdir(root) == ['cifar-10-python.tar.gz']           # the verified download stays, nothing extracted
    notar = tmp_path / 'notar.tar.gz'; notar.write_bytes(b'not a tar file at all')
    class NotTar(Dl):
        url, tgz_md5 = notar.as_uri(), md5(notar)
    root2 = tmp_path / 'root2'
    with pytest.raises(RuntimeError, match="is not a valid tar archive"): NotTar(root2, download=True)
    assert os.listdir(root2) == ['cifar-10-python.tar.gz']


# ---------------------------------------------------------------- ImageFolder: tree and zip
def write_tree(root, classes=('cat', 'dog'), n=3, size=(4, 5)):
    rng = np.random.default_rng(2)
    pixels = {}
    for c in classes:
        (root / c).mkdir(parents=True)
        for k in range(n):
            a = rng.integers(0, 255, size + (3,), dtype=np.uint8)
            Image.fromarray(a).save(root / c / f'{k}.png')
            pixels[f'{c}/{k}.png'] = a
    return pixels

def zip_tree(root, zpath, prefix='train/'):
    with zipfile.ZipFile(zpath, 'w') as z:
        for p in sorted(root.rglob('*')):
            if p.is_file(): z.write(p, prefix + str(p.relative_to(root)))
    return zpath

def test_image_folder_tree(tmp_path):
    px = write_tree(tmp_path / 'tree')
    (tmp_path / 'tree' / 'cat' / 'notes.txt').write_text('skip me')
    ds = datasets.ImageFolder(tmp_path / 'tree')
    assert ds.classes == ['cat', 'dog'] and ds.class_to_idx == {'cat': 0, 'dog': 1}
    assert len(ds) == 6 and ds.targets == [0, 0, 0, 1, 1, 1] and ds.imgs == ds.samples
    img, y = ds[4]
    assert y == 1 and np.array_equal(np.asarray(img), px['dog/1.png'])
    only0 = datasets.ImageFolder(tmp_path / 'tree', is_valid_file=lambda p: str(p).endswith('0.png'))
    assert len(only0) == 2

def test_image_folder_zip_matches_tree(tmp_path):
    write_tree(tmp_path / 'tree')
    z = zip_tree(tmp_path / 'tree', tmp_path / 'data.zip')
    a, b = datasets.ImageFolder(tmp_path / 'tree'), datasets.ImageFolder(f"{z}/train")
    assert a.classes == b.classes and a.targets == b.targets
    for k in range(len(a)): assert np.array_equal(np.asarray(a[k][0]), np.asarray(b[k][0]))
    # workers: each process opens its own handle
    la = [x.tolist() for x, _ in DataLoader(datasets.ImageFolder(f"{z}/train", transform=T.ToTensor()), batch_size=3, num_workers=2)]
    lb = [x.tolist() for x, _ in DataLoader(datasets.ImageFolder(tmp_path / 'tree', transform=T.ToTensor()), batch_size=3)]
    assert la == lb

def test_dataset_folder_text_loader_on_zip(tmp_path):
    for c, t in [('novels', 'Call me Ishmael.'), ('thrillers', 'Run!')]:
        (tmp_path / 't' / c).mkdir(parents=True); (tmp_path / 't' / c / 'a.txt').write_text(t)
    z = zip_tree(tmp_path / 't', tmp_path / 't.zip', prefix='')
    ds = datasets.DatasetFolder(z, loader=lambda p: p.read_text(), extensions=('.txt',), transform=lambda s: s[:4])
    assert (len(ds), ds.classes, ds[0]) == (2, ['novels', 'thrillers'], ('Call', 0))

def test_corrupt_image_error_names_file(tmp_path):
    write_tree(tmp_path / 'tree')
    (tmp_path / 'tree' / 'dog' / 'broken.png').write_bytes(b'this is not a png')
    ds = datasets.ImageFolder(tmp_path / 'tree')
    k = [p for p, _ in ds.samples].index(str(tmp_path / 'tree' / 'dog' / 'broken.png'))
    with pytest.raises(OSError, match="broken.png"): ds[k]
    z = zip_tree(tmp_path / 'tree', tmp_path / 'd.zip')
    dz = datasets.ImageFolder(f"{z}/train")
    with pytest.raises(OSError, match=r"dog/broken.png"): dz[k]
    with pytest.raises(OSError, match="broken.png"):                 # through a worker, too
        list(DataLoader(ds, batch_size=None, num_workers=2, collate_fn=lambda x: 0))

def test_folder_errors(tmp_path):
    (tmp_path / 'empty_root').mkdir()
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"): datasets.ImageFolder(tmp_path / 'empty_root')
    write_tree(tmp_path / 'tree'); (tmp_path / 'tree' / 'zebra').mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes zebra"): datasets.ImageFolder(tmp_path / 'tree')
    assert len(datasets.ImageFolder(tmp_path / 'tree', allow_empty=True)) == 6
    bad = tmp_path / 'bad.zip'; bad.write_bytes(b'PK not really')
    with pytest.raises(RuntimeError, match="is not a valid zip archive"): datasets.ImageFolder(f"{bad}/train")


# ---------------------------------------------------------------- decoded cache
def test_decoded_cache_decodes_once(tmp_path, monkeypatch):
    px = write_tree(tmp_path / 'tree', n=4)
    z = zip_tree(tmp_path / 'tree', tmp_path / 'd.zip')
    cache = tmp_path / 'cache'
    ds = datasets.CachedImageFolder(f"{z}/train", cache_dir=cache, progress=False)
    files = os.listdir(cache)
    assert len(files) == 1 and files[0].endswith('.npy')
    assert isinstance(ds.data, np.memmap) and ds.data.shape == (8, 4, 5, 3)
    assert np.array_equal(ds.data[5], px['dog/1.png']) and ds.targets == [0] * 4 + [1] * 4
    def boom(*a, **k): raise AssertionError("decoded again")
    monkeypatch.setattr(datasets, 'pil_loader', boom); monkeypatch.setattr(datasets, 'default_loader', boom)
    again = datasets.CachedImageFolder(f"{z}/train", cache_dir=cache, progress=False)
    assert np.array_equal(np.asarray(again.data), np.asarray(ds.data))
    # the batch path, through workers: the memmap is shared, not pickled
    aug = T.Compose([T.BatchRandomHorizontalFlip(p=0.), T.BatchToTensor()])
    xb, yb = next(iter(DataLoader(again, batch_size=8, num_workers=2, batch_transform=aug)))
    assert xb.shape == (8, 3, 4, 5) and np.allclose(xb.array[5], px['dog/1.png'].transpose(2, 0, 1) / 255)
    assert yb.tolist() == again.targets

def test_decoded_cache_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    write_tree(tmp_path / 'tree', n=300)                               # enough to use several decoding processes
    (tmp_path / 'tree' / 'dog' / '999.png').write_bytes(b'not an image')
    cache = tmp_path / 'cache'
    with pytest.raises(OSError, match="dog/999.png"):
        datasets.CachedImageFolder(tmp_path / 'tree', cache_dir=cache, progress=False)
    assert os.listdir(cache) == []
    def interrupted(*a, **k): raise KeyboardInterrupt
    monkeypatch.setattr(np.lib.format, 'open_memmap', interrupted)
    with pytest.raises(KeyboardInterrupt): datasets.CachedImageFolder(tmp_path / 'tree', cache_dir=cache, progress=False)
    assert os.listdir(cache) == []

def test_decoded_cache_needs_equal_sizes(tmp_path):
    write_tree(tmp_path / 'tree')
    Image.fromarray(np.zeros((7, 7, 3), np.uint8)).save(tmp_path / 'tree' / 'dog' / 'big.png')
    with pytest.raises(ValueError, match="big.png"): datasets.CachedImageFolder(tmp_path / 'tree', cache_dir=tmp_path / 'c', progress=False)

def test_get_batch_refuses_per_image_transform():
    s = datasets.CIFAR10Sample(train=False, transform=T.ToTensor())
    with pytest.raises(RuntimeError, match="transform=None"): s.get_batch([0, 1])


# ---------------------------------------------------------------- embedded sample, seed 004, utils
def test_embedded_sample():
    tr, te = datasets.CIFAR10Sample(train=True), datasets.CIFAR10Sample(train=False)
    assert (len(tr), len(te)) == (1000, 200)
    assert np.bincount(tr.targets).tolist() == [100] * 10 and np.bincount(te.targets).tolist() == [20] * 10
    assert tr.classes == ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
    m = tr.data.reshape(-1, 3).mean(0) / 255
    assert np.allclose(m, [0.49, 0.48, 0.44], atol=0.04)                  # real CIFAR statistics
    assert os.path.getsize(datasets.cifar10_sample_path()) < 2 * 2**20

def test_seed_004_data_section():
    transform = T.Compose([T.ToTensor(), T.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    trainset = datasets.CIFAR10Sample(train=True, transform=transform)
    trainloader = DataLoader(trainset, batch_size=4, shuffle=True, num_workers=2)
    images, labels = next(iter(trainloader))
    assert images.shape == (4, 3, 32, 32) and str(labels.dtype) == 'torch.int64'
    assert -1 <= images.array.min() and images.array.max() <= 1
    grid = utils.make_grid(images)
    assert grid.shape == (3, 36, 138)
    classes = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')
    assert len(' '.join('%5s' % classes[labels[j]] for j in range(4)).split()) == 4

def test_make_grid_layout_and_save(tmp_path):
    imgs = np.stack([np.full((3, 2, 2), k + 1, np.float32) for k in range(5)])
    g = utils.make_grid(tensor(imgs), nrow=3, padding=1, pad_value=0.5).array
    assert g.shape == (3, 2 * 3 + 1, 3 * 3 + 1)
    assert g[0, 1, 1] == 1 and g[0, 1, 4] == 2 and g[0, 4, 1] == 4 and g[0, 4, 4] == 5 and g[0, 4, 7] == 0.5
    assert g[0, 0, 0] == 0.5
    one = utils.make_grid(tensor(np.zeros((1, 1, 2, 2), np.float32)))
    assert one.shape == (3, 2, 2)                                         # 1 channel -> 3
    nrm = utils.make_grid(tensor(imgs), normalize=True).array
    assert nrm.min() == 0 and nrm.max() == 1
    utils.save_image(tensor(imgs / 5), tmp_path / 'g.png', nrow=5)
    assert Image.open(tmp_path / 'g.png').size == (2 + 5 * 4, 6)

def test_show_images_figure():
    import matplotlib; matplotlib.use('Agg')
    s = datasets.CIFAR10Sample(train=False, transform=T.Compose([T.ToTensor(), T.Normalize((0.5,) * 3, (0.5,) * 3)]))
    xb, yb = next(iter(DataLoader(s, batch_size=6)))
    fig = utils.show_images(xb, yb, s.classes, mean=(0.5,) * 3, std=(0.5,) * 3, ncols=3)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ['airplane'] * 6
    assert np.allclose(utils.unnormalize(xb, (0.5,) * 3, (0.5,) * 3)[0], s.data[0].transpose(2, 0, 1) / 255, atol=1e-6)

def test_import_tinygrad_edu_does_not_import_matplotlib():
    import subprocess, sys
    code = "import sys, tinygrad_edu, tinygrad_edu.vision; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, '-c', code], capture_output=True, text=True).stdout.strip() == 'False'

def test_cifar10_falls_back_to_jpeg_zip_when_offline(tmp_path, monkeypatch, capsys):
    "Official CIFAR10 + download=True with no network: the JPEG ImageFolder zip is used; nothing left in root."
    px = write_tree(tmp_path / 'tree', classes=('airplane', 'automobile'), n=2, size=(32, 32))
    with zipfile.ZipFile(tmp_path / 'cifar10-jpg.zip', 'w') as z:
        for split in ('train', 'test'):
            for p in sorted((tmp_path / 'tree').rglob('*.png')): z.write(p, f"{split}/{p.relative_to(tmp_path / 'tree')}")
    monkeypatch.setattr(datasets.CIFAR10, 'url', (tmp_path / 'unreachable.tar.gz').as_uri())
    monkeypatch.setenv('TINYGRAD_EDU_CIFAR10_ZIP', str(tmp_path / 'cifar10-jpg.zip'))
    monkeypatch.setenv('TINYGRAD_EDU_CACHE', str(tmp_path / 'cache'))
    ds = datasets.CIFAR10(tmp_path / 'data', train=True, download=True, transform=T.ToTensor())
    assert "using the JPEG copy" in capsys.readouterr().out
    assert len(ds) == 4 and ds.classes == ['airplane', 'automobile'] and ds.targets == [0, 0, 1, 1]
    assert np.allclose(ds[2][0].array, px['automobile/0.png'].transpose(2, 0, 1) / 255)
    assert not (tmp_path / 'data').exists()
    with pytest.raises(RuntimeError, match="Dataset not found"): datasets.CIFAR10(tmp_path / 'data')   # only with download=True
