"""Shared pytest setup: PyTorch (CPU build) is the oracle; NumPy RNG for test inputs is seeded."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
torch.set_num_threads(1)

@pytest.fixture
def rng():
    return np.random.default_rng(0)
