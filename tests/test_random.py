"""tinygrad_edu.random against PyTorch's CPU generator: the same seeds must give the same numbers, bit for bit.

PyTorch's float32 `randn` for 16+ elements uses AVX2 code (on any x86-64 CPU with AVX2 or AVX-512); we
emulate that path, so these tests expect an x86-64 CPU with AVX2 (they skip the float32 normal tests
otherwise, where PyTorch's own numbers differ in the last bits).
"""
import math

import numpy as np
import pytest
import torch

from tinygrad_edu import random as R

SEEDS = [0, 1, 1729, 2**40 + 3, 2**64 - 1]
SHAPES = [(), (1,), (15,), (16,), (17,), (100,), (3, 5, 7)]
FLOATS = [(np.float32, torch.float32), (np.float64, torch.float64)]
AVX2 = torch.backends.cpu.get_cpu_capability() in ('AVX2', 'AVX512')


def both(seed):
    "A fresh (ours, torch's) pair of generators, both seeded with `seed`."
    return R.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


def same(ours, theirs):
    theirs = theirs.numpy()
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape, (ours.dtype, ours.shape, theirs.dtype, theirs.shape)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize('seed', SEEDS)
def test_state_after_seeding_is_torchs(seed):
    g, tg = both(seed)
    np.testing.assert_array_equal(g.get_state(), tg.get_state().numpy())
    assert g.initial_seed() == tg.initial_seed()


def test_default_seeds():
    assert R.Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721
    np.testing.assert_array_equal(R.Generator().get_state(), torch.Generator().get_state().numpy())
    assert R.default_generator.initial_seed() != 67280421310721    # from the OS, as torch's default


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('shape', SHAPES)
@pytest.mark.parametrize('dt', FLOATS)
def test_rand(seed, shape, dt):
    g, tg = both(seed)
    same(R.uniform_array(shape, dt[0], generator=g), torch.rand(shape, dtype=dt[1], generator=tg))
    same(R.uniform_array(shape, dt[0], -3.7, 11.3, generator=g), torch.empty(shape, dtype=dt[1]).uniform_(-3.7, 11.3, generator=tg))


def test_rand_half():
    g, tg = both(3)
    same(R.uniform_array((5000,), np.float16, generator=g), torch.rand(5000, dtype=torch.float16, generator=tg))
    same(R.uniform_array((5000,), np.float16, -3.7, 11.3, generator=g), torch.empty(5000, dtype=torch.float16).uniform_(-3.7, 11.3, generator=tg))


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('shape', SHAPES)
@pytest.mark.parametrize('dt', FLOATS)
def test_randn(seed, shape, dt):
    if dt[0] == np.float32 and np.prod(shape) >= 16 and not AVX2: pytest.skip('PyTorch without AVX2 uses another float32 normal kernel')
    g, tg = both(seed)
    same(R.normal_array(shape, dt[0], generator=g), torch.randn(shape, dtype=dt[1], generator=tg))
    same(R.normal_array(shape, dt[0], 0.3, 2.5, generator=g), torch.empty(shape, dtype=dt[1]).normal_(0.3, 2.5, generator=tg))
    np.testing.assert_array_equal(g.get_state(), tg.get_state().numpy())   # same position, same cache


@pytest.mark.skipif(not AVX2, reason='PyTorch without AVX2 uses another float32 normal kernel')
@pytest.mark.parametrize('n', [16, 48, 1000, 100_003])
@pytest.mark.parametrize('mean,std', [(0., 1.), (-1.7, 0.01), (5., 3.)])
def test_randn_float32_large(n, mean, std):
    for seed in [0, 2, 12345]:
        g, tg = both(seed)
        same(R.normal_array((n,), np.float32, mean, std, generator=g), torch.empty(n).normal_(mean, std, generator=tg))


def test_randn_float64_large():
    g, tg = both(9)
    same(R.normal_array((20_001,), np.float64, 1.5, 0.7, generator=g), torch.empty(20_001, dtype=torch.float64).normal_(1.5, 0.7, generator=tg))


def test_randn_half_close():
    "float16 uses the float32 path: equal except the redrawn last 16 when the size is not a multiple of 16."
    g, tg = both(4)
    same(R.normal_array((64,), np.float16, generator=g), torch.randn(64, dtype=torch.float16, generator=tg))
    same(R.normal_array((5,), np.float16, generator=g), torch.randn(5, dtype=torch.float16, generator=tg))


@pytest.mark.parametrize('n', [16, 17, 40])
def test_randn_strided_view(n):
    "A non-contiguous tensor is filled one sample at a time (in memory order)."
    g, tg = both(5)
    t = torch.empty(2, n).t()
    t.normal_(generator=tg)
    ours = R.normal_array((n * 2,), np.float32, generator=g, contiguous=False)
    np.testing.assert_array_equal(ours, t.t().contiguous().numpy().ravel())


def test_normal_cache_across_calls():
    "A 3-element randn leaves r*sin cached: the next 1-element randn uses it without drawing."
    torch.manual_seed(11); R.manual_seed(11)
    for n in [3, 1, 1, 5, 2, 20, 1]:
        same(R.normal_array((n,), np.float32), torch.randn(n))
        np.testing.assert_array_equal(R.get_rng_state(), torch.get_rng_state().numpy())
    R.manual_seed(11); torch.manual_seed(11)
    same(R.normal_array((3,), np.float64), torch.randn(3, dtype=torch.float64))
    R.manual_seed(11); torch.manual_seed(11)                 # manual_seed empties the cache
    same(R.normal_array((1,), np.float64), torch.randn(1, dtype=torch.float64))


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('shape', SHAPES)
def test_randint(seed, shape):
    g, tg = both(seed)
    for low, high, dt, tdt in [(0, 10, np.int64, torch.int64), (-5, 7, np.int32, torch.int32), (3, 2**31, np.int64, torch.int64),
                               (-2**40, 2**40, np.int64, torch.int64), (0, 2**32, np.int64, torch.int64), (0, 100, np.float32, torch.float32),
                               (0, 256, np.uint8, torch.uint8), (-2**63, 2**63 - 1, np.int64, torch.int64)]:
        same(R.randint_array(low, high, shape, dt, generator=g), torch.randint(low, high, shape, dtype=tdt, generator=tg))


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('n', [0, 1, 2, 3, 10, 1000, 50_000])
def test_randperm(seed, n):
    g, tg = both(seed)
    same(R.randperm_array(n, generator=g), torch.randperm(n, generator=tg))
    same(R.randperm_array(n, np.int32, generator=g), torch.randperm(n, dtype=torch.int32, generator=tg))


@pytest.mark.parametrize('seed', SEEDS[:3])
@pytest.mark.parametrize('shape', SHAPES)
def test_bernoulli(seed, shape):
    g, tg = both(seed)
    for p in [0.0, 0.3, 1.0]:
        for dt, tdt in [(np.float32, torch.float32), (np.int64, torch.int64), (np.bool_, torch.bool)]:
            same(R.bernoulli_array(p, shape, dt, generator=g), torch.empty(shape, dtype=tdt).bernoulli_(p, generator=tg))
    for dt, tdt in FLOATS:
        probs = np.linspace(0, 1, int(np.prod(shape))).reshape(shape).astype(dt)
        same(R.bernoulli_array(probs, shape, dt, generator=g), torch.bernoulli(torch.from_numpy(probs), generator=tg))


def test_dropout_mask_matches():
    "F.dropout(x, p) is x * bernoulli_(1 - p) / (1 - p): its mask comes from the same stream."
    torch.manual_seed(8); R.manual_seed(8)
    y = torch.nn.functional.dropout(torch.ones(1000), 0.4).numpy()
    mask = R.bernoulli_array(0.6, (1000,), np.float32)
    np.testing.assert_array_equal(y != 0, mask == 1)


@pytest.mark.parametrize('lambd', [1.0, 2.5])
@pytest.mark.parametrize('dt', FLOATS)
def test_exponential(lambd, dt):
    g, tg = both(6)
    same(R.exponential_array(lambd, (3000,), dt[0], generator=g), torch.empty(3000, dtype=dt[1]).exponential_(lambd, generator=tg))


def test_interleaved_calls_stay_in_step():
    torch.manual_seed(1234); R.manual_seed(1234)
    for _ in range(3):
        same(R.uniform_array((7,), np.float32), torch.rand(7))
        same(R.normal_array((5,), np.float32), torch.randn(5))
        same(R.randint_array(0, 10, (9,), np.int64), torch.randint(0, 10, (9,)))
        same(R.normal_array((33,), np.float32), torch.randn(33))
        same(R.randperm_array(20), torch.randperm(20))
        same(R.uniform_array((3,), np.float64), torch.rand(3, dtype=torch.float64))
        same(R.normal_array((3, 4), np.float64), torch.randn(3, 4, dtype=torch.float64))
        same(R.bernoulli_array(0.5, (11,), np.float32), torch.empty(11).bernoulli_(0.5))
        np.testing.assert_array_equal(R.get_rng_state(), torch.get_rng_state().numpy())


def test_state_round_trip_and_exchange_with_torch():
    torch.manual_seed(77); R.manual_seed(77)
    R.normal_array((3,), np.float32); torch.randn(3)           # leaves a cached sample in both
    st = R.get_rng_state()
    np.testing.assert_array_equal(st, torch.get_rng_state().numpy())
    a = R.normal_array((1,), np.float32), R.uniform_array((700,), np.float32)
    R.set_rng_state(st)
    b = R.normal_array((1,), np.float32), R.uniform_array((700,), np.float32)
    for x, y in zip(a, b): np.testing.assert_array_equal(x, y)
    # a state saved by torch continues here, and the other way round
    g = R.Generator().set_state(torch.get_rng_state().numpy())
    same(R.uniform_array((5,), np.float32, generator=g), torch.rand(5))
    torch.set_rng_state(torch.from_numpy(g.get_state()))
    same(R.normal_array((20,), np.float32, generator=g), torch.randn(20))
    g2 = g.clone_state()
    np.testing.assert_array_equal(g2.get_state(), g.get_state())


def test_state_after_624_draws():
    g, tg = both(3)
    R.uniform_array((624,), np.float32, generator=g); torch.rand(624, generator=tg)
    np.testing.assert_array_equal(g.get_state(), tg.get_state().numpy())
    R.uniform_array((1,), np.float32, generator=g); torch.rand(1, generator=tg)
    np.testing.assert_array_equal(g.get_state(), tg.get_state().numpy())


def test_seed_examples():
    R.manual_seed(1)
    np.testing.assert_allclose(R.normal_array((5,), np.float32), [0.6614, 0.2669, 0.0617, 0.6213, -0.4519], atol=1e-4)
    R.manual_seed(1729)
    np.testing.assert_allclose(R.uniform_array((2, 2), np.float32), [[0.3126, 0.3791], [0.3087, 0.0736]], atol=1e-4)


def test_manual_seed_conversions_and_errors():
    for s in [-1, -2**63, 2**63, 2**64 - 1, 5]:
        assert R.Generator().manual_seed(s).initial_seed() == torch.Generator().manual_seed(s).initial_seed()
    assert R.manual_seed(1.5).initial_seed() == torch.manual_seed(1.5).initial_seed() == 1
    assert R.manual_seed('3').initial_seed() == 3
    for bad in [1.5, True, '3']:
        with pytest.raises(RuntimeError, match='manual_seed expected a long'): torch.Generator().manual_seed(bad)
        with pytest.raises(RuntimeError, match='manual_seed expected a long'): R.Generator().manual_seed(bad)
    for bad in [2**64, -2**63 - 1]:
        with pytest.raises(ValueError, match='Overflow'): torch.manual_seed(bad)
        with pytest.raises(ValueError, match='Overflow'): R.manual_seed(bad)


def test_seed_and_initial_seed():
    s = R.seed()
    assert R.initial_seed() == s and 0 <= s < 2**64
    g = R.Generator()
    assert g.seed() == g.initial_seed()


def test_errors_like_torch():
    cases = [
        (lambda: R.uniform_array((3,), np.float32, 3., 1.), lambda: torch.empty(3).uniform_(3, 1)),
        (lambda: R.normal_array((3,), np.float32, 0., -1.), lambda: torch.empty(3).normal_(0, -1)),
        (lambda: R.randint_array(5, 5, (3,), np.int64), lambda: torch.randint(5, 5, (3,))),
        (lambda: R.randperm_array(-1), lambda: torch.randperm(-1)),
        (lambda: R.bernoulli_array(1.5, (3,), np.float32), lambda: torch.empty(3).bernoulli_(1.5)),
        (lambda: R.bernoulli_array(np.array([0.5, 1.5]), (2,), np.float32), lambda: torch.bernoulli(torch.tensor([0.5, 1.5]))),
        (lambda: R.exponential_array(-1., (3,), np.float32), lambda: torch.empty(3).exponential_(-1.)),
        (lambda: R.Generator().set_state(np.zeros(10, np.uint8)), lambda: torch.Generator().set_state(torch.zeros(10, dtype=torch.uint8))),
        (lambda: R.Generator().set_state(np.zeros(5056, np.uint8)), lambda: torch.Generator().set_state(torch.zeros(5056, dtype=torch.uint8))),
        (lambda: R.Generator().set_state(np.zeros(5056, np.float32)), lambda: torch.Generator().set_state(torch.zeros(5056))),
    ]
    for ours, theirs in cases:
        with pytest.raises(Exception) as t: theirs()
        with pytest.raises(t.type) as o: ours()
        assert str(t.value).startswith(str(o.value)), (str(o.value), str(t.value))   # torch may append a boilerplate hint


def test_fork_rng():
    R.manual_seed(3)
    with R.fork_rng():
        R.uniform_array((50,), np.float32); R.normal_array((3,), np.float32)
    torch.manual_seed(3)
    same(R.uniform_array((4,), np.float32), torch.rand(4))
    with R.fork_rng(enabled=False):
        R.uniform_array((1,), np.float32)
    torch.rand(1)
    same(R.uniform_array((4,), np.float32), torch.rand(4))


def test_cuda_generator_holds_a_seed():
    g = R.Generator('cuda')
    assert str(g.device) == 'cuda:0' and g.initial_seed() == 67280421310721
    assert g.manual_seed(5).initial_seed() == 5
    assert g.get_state().size == 16
    with pytest.raises(RuntimeError, match="Expected a 'cpu' device type for generator but found 'cuda'"): R.uniform_array((2,), np.float32, generator=g)
    c = R.cuda_generator(0)
    R.manual_seed(9)
    assert c.initial_seed() == 9


def test_default_generator_used_when_none():
    R.manual_seed(21); torch.manual_seed(21)
    same(R.uniform_array((3,), np.float32, generator=None), torch.rand(3))
    assert R.manual_seed(21) is R.default_generator


def test_same_initial_weights_as_torch_nn():
    "nn.Linear initialises with uniform_(-bound, bound) (weight, then bias); kaiming_normal_ with normal_(0, std)."
    torch.manual_seed(0); R.manual_seed(0)
    lin = torch.nn.Linear(20, 30)
    bw = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + 5)) / math.sqrt(20))      # kaiming_uniform_(a=sqrt(5))
    same(R.uniform_array((30, 20), np.float32, -bw, bw), lin.weight.detach())
    same(R.uniform_array((30,), np.float32, -1 / math.sqrt(20), 1 / math.sqrt(20)), lin.bias.detach())
    conv = torch.empty(16, 3, 5, 5)
    torch.nn.init.kaiming_normal_(conv, mode='fan_out', nonlinearity='relu')
    same(R.normal_array((16, 3, 5, 5), np.float32, 0., math.sqrt(2.0) / math.sqrt(16 * 25)), conv)
    np.testing.assert_array_equal(R.get_rng_state(), torch.get_rng_state().numpy())


@pytest.mark.parametrize('dt', [np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_, np.float32, np.float64, np.float16])
def test_random_(dt):
    g, tg = both(13)
    tdt = torch.from_numpy(np.zeros(1, dt)).dtype
    same(R.random_array((500,), dt, generator=g), torch.empty(500, dtype=tdt).random_(generator=tg))
    np.testing.assert_array_equal(g.get_state(), tg.get_state().numpy())


def test_recipes_for_the_data_layer():
    "RandomSampler: a seed from random_() on an int64 scalar, a new Generator, randperm. DataLoader first draws a base seed too."
    from torch.utils.data import DataLoader, RandomSampler
    torch.manual_seed(0); R.manual_seed(0)
    s = int(R.random_array((), np.int64))
    assert list(RandomSampler(range(10))) == R.randperm_array(10, generator=R.Generator().manual_seed(s)).tolist()
    torch.manual_seed(0); R.manual_seed(0)
    batches = [b.tolist() for b in DataLoader(list(range(10)), batch_size=5, shuffle=True)]
    R.random_array((), np.int64)                           # the loader's base seed (drawn even without shuffle)
    s = int(R.random_array((), np.int64))
    assert sum(batches, []) == R.randperm_array(10, generator=R.Generator().manual_seed(s)).tolist()
    np.testing.assert_array_equal(R.get_rng_state(), torch.get_rng_state().numpy())


@pytest.mark.parametrize('n', [3, 8, 20])
def test_recipe_complex(n):
    "Complex rand/randn fill the (n, 2) float view: randn with std sqrt(1/2), so that E|z|^2 = 1."
    torch.manual_seed(0); R.manual_seed(0)
    same(R.normal_array((n, 2), np.float32, 0., math.sqrt(0.5)).view(np.complex64).ravel(), torch.randn(n, dtype=torch.complex64))
    same(R.uniform_array((n, 2), np.float64).view(np.complex128).ravel(), torch.rand(n, dtype=torch.complex128))
