"""Resize / CenterCrop / Pad / flips / RandomResizedCrop / ToPILImage / PILToTensor / Grayscale (notebook 08_vision).
torchvision is not installed here: PIL is the oracle for pixels, and torchvision's parameter-drawing code,
run with real torch's generator, is the oracle for RandomResizedCrop's random crops."""
import math
import numpy as np
import pytest
import torch
from PIL import Image
import tinygrad_edu as tg
from tinygrad_edu.vision import transforms as T

IM = Image.fromarray(np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8))

def tv_get_params(height, width, scale, ratio):
    "torchvision.transforms.RandomResizedCrop.get_params, verbatim, on PyTorch's generator."
    area = height * width
    log_ratio = torch.log(torch.tensor(ratio))
    for _ in range(10):
        target_area = area * torch.empty(1).uniform_(scale[0], scale[1]).item()
        aspect_ratio = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        w = int(round(math.sqrt(target_area * aspect_ratio)))
        h = int(round(math.sqrt(target_area / aspect_ratio)))
        if 0 < w <= width and 0 < h <= height:
            i = torch.randint(0, height - h + 1, size=(1,)).item()
            j = torch.randint(0, width - w + 1, size=(1,)).item()
            return i, j, h, w
    in_ratio = float(width) / float(height)
    if in_ratio < min(ratio): w = width; h = int(round(w / min(ratio)))
    elif in_ratio > max(ratio): h = height; w = int(round(h * max(ratio)))
    else: w, h = width, height
    return (height - h) // 2, (width - w) // 2, h, w

@pytest.mark.parametrize('seed', range(5))
@pytest.mark.parametrize('scale,ratio', [((0.08, 1.0), (3 / 4, 4 / 3)), ((0.5, 0.9), (1.0, 2.0))])
def test_random_resized_crop_params_match_torchvision(seed, scale, ratio):
    torch.manual_seed(seed); expected = [tv_get_params(20, 30, scale, ratio) for _ in range(5)]
    tg.manual_seed(seed); got = [T.RandomResizedCrop.get_params(IM, scale, ratio) for _ in range(5)]
    assert got == expected

def test_resize_pil_is_pil():
    assert np.array_equal(np.asarray(T.Resize((10, 12))(IM)), np.asarray(IM.resize((12, 10), Image.BILINEAR)))
    assert T.Resize(10)(IM).size == (15, 10)                      # shorter side (height 20) -> 10
    assert T.Resize(10)(IM.transpose(Image.TRANSPOSE)).size == (10, 15)

def test_resize_tensor_close_to_pil():
    t = T.ToTensor()(IM)
    r = T.Resize((10, 12))(t)
    assert r.shape == (3, 10, 12) and r.dtype == tg.float32
    ref = T.ToTensor()(IM.resize((12, 10), Image.BILINEAR)).numpy()
    assert np.abs(r.numpy() - ref).max() < 2 / 255

def test_center_crop():
    a = np.asarray(IM)
    assert np.array_equal(np.asarray(T.CenterCrop(10)(IM)), a[5:15, 10:20])
    assert np.array_equal(np.asarray(T.CenterCrop((7, 9))(IM)), a[6:13, 10:19])   # round((20-7)/2)=6, round((30-9)/2)=10
    t = T.ToTensor()(IM)
    assert np.array_equal(T.CenterCrop(10)(t).numpy(), t.numpy()[:, 5:15, 10:20])
    big = T.CenterCrop(24)(t)                                       # padded with zeros when larger
    assert big.shape == (3, 24, 24) and big.numpy()[:, 0].sum() == 0

def test_pad_flip_gray_pil_roundtrip():
    t = T.ToTensor()(IM)
    assert T.Pad((1, 2))(t).shape == (3, 24, 32)
    assert T.Pad((1, 2, 3, 4))(IM).size == (34, 26)
    assert np.array_equal(T.RandomVerticalFlip(1.0)(t).numpy(), t.numpy()[:, ::-1])
    assert np.array_equal(np.asarray(T.Grayscale()(IM)), np.asarray(IM.convert('L')))
    g = T.Grayscale(3)(t)
    assert g.shape == (3, 20, 30) and np.allclose(g.numpy()[0], g.numpy()[2])
    p = T.PILToTensor()(IM)
    assert p.dtype == tg.uint8 and p.shape == (3, 20, 30)
    assert np.array_equal(np.asarray(T.ToPILImage()(p)), np.asarray(IM))
    assert np.array_equal(np.asarray(T.ToPILImage()(t)), np.asarray(IM))   # floats: mul(255).byte()

def test_compose_imagenet_style():
    tf = T.Compose([T.Resize(16), T.CenterCrop(12), T.ToTensor(), T.Normalize((0.5,) * 3, (0.5,) * 3)])
    x = tf(IM)
    assert x.shape == (3, 12, 12) and -1 <= x.numpy().min() and x.numpy().max() <= 1
    tg.manual_seed(0)
    y = T.Compose([T.RandomResizedCrop(8), T.RandomHorizontalFlip(), T.ToTensor()])(IM)
    assert y.shape == (3, 8, 8)

def test_dataset_repr_like_torchvision(tmp_path):
    "print(trainset): torchvision's VisionDataset summary (StandardTransform, transforms indented under their head)."
    from tinygrad_edu.vision import datasets
    for c in ('cat', 'dog'):
        (tmp_path / c).mkdir(); IM.save(tmp_path / c / 'a.png')
    ds = datasets.ImageFolder(str(tmp_path), transform=T.Compose([T.Resize(4), T.ToTensor()]), target_transform=lambda y: y)
    lines = repr(ds).splitlines()
    assert lines[:4] == ['Dataset ImageFolder', '    Number of datapoints: 2', f'    Root location: {tmp_path}', '    StandardTransform']
    assert lines[4:8] == ['Transform: Compose(', '               Resize(size=4, interpolation=bilinear, max_size=None, antialias=True)',
                          '               ToTensor()', '           )']
    assert lines[8].startswith('Target transform: <function')
