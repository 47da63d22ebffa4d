"""Every hand-written CUDA kernel of notebook 09a compiles with `nvcc -arch=sm_90` (no GPU needed).

Raw kernels are compiled as they are, with `T` = float and `T` = double (each kernel in its own
namespace, one nvcc call per type, device code only). CuPy `ElementwiseKernel`/`ReductionKernel` bodies are wrapped into full `__global__` functions
the way CuPy does (inputs read as `const T x = _raw_x[i]`, outputs as references `T &y = _raw_y[i]`,
`raw` parameters as pointers indexed by hand, scalars by value), so a syntax or type error in a
body fails here instead of on a learner's GPU.
"""
import shutil, subprocess, tempfile
from pathlib import Path
import pytest

from tinygrad_edu.kernels import ELEMENTWISE_SOURCES, REDUCTION_SOURCES, RAW_SOURCES

NVCC = shutil.which('nvcc')
pytestmark = pytest.mark.skipif(NVCC is None, reason='nvcc not found: CUDA kernel sources not compiled')

_CTYPE = {'int8': 'signed char', 'int16': 'short', 'int32': 'int', 'int64': 'long long', 'uint8': 'unsigned char',
          'bool': 'bool', 'float32': 'float', 'float64': 'double', 'T': 'T'}

def _params(spec):
    "Parse CuPy's 'T x, raw T b, int32 C' into [(is_raw, ctype, name)]."
    out = []
    for p in filter(None, (s.strip() for s in spec.split(','))):
        words = p.split()
        is_raw = words[0] == 'raw'
        if is_raw: words = words[1:]
        typ, name = words
        out.append((is_raw, _CTYPE[typ], name))
    return out

def wrap_elementwise(name, in_params, out_params, body):
    "The `__global__` function CuPy would generate for an ElementwiseKernel (1-d, contiguous)."
    ins, outs = _params(in_params), _params(out_params)
    args, loads = [], []
    for is_raw, t, n in ins:
        # an array input is `T x`; a scalar is declared with a concrete C type and passed by value
        if is_raw: args.append(f'const {t}* {n}')
        elif n in _SCALARS.get(name, ()): args.append(f'{t} {n}')
        else: args.append(f'const {t}* _raw_{n}'); loads.append(f'const {t} {n} = _raw_{n}[i];')
    for is_raw, t, n in outs:
        if is_raw: args.append(f'{t}* {n}')
        else: args.append(f'{t}* _raw_{n}'); loads.append(f'{t} &{n} = _raw_{n}[i];')
    return (f'extern "C" __global__ void {name}({", ".join(args)}, long long _n) {{\n'
            f'  for (ptrdiff_t i = (ptrdiff_t)blockIdx.x * blockDim.x + threadIdx.x; i < _n; i += (ptrdiff_t)blockDim.x * gridDim.x) {{\n'
            f'    {" ".join(loads)}\n    {body}\n  }}\n}}\n')

def wrap_reduction(name, in_params, out_params, map_expr, reduce_expr, post_map_expr, identity):
    "A one-thread version of the loop CuPy generates for a ReductionKernel (same expressions, same types)."
    (_, ti, ni), = _params(in_params)
    (_, to, no), = _params(out_params)
    return (f'#define REDUCE(a, b) ({reduce_expr})\n#define POST_MAP(a) ({post_map_expr})\n'
            f'extern "C" __global__ void {name}(const {ti}* _raw_{ni}, {to}* _raw_{no}, long long _n) {{\n'
            f'  typedef {to} _type_reduce;\n  _type_reduce _s = _type_reduce({identity});\n'
            f'  for (long long _j = 0; _j < _n; ++_j) {{ const {ti} {ni} = _raw_{ni}[_j]; _type_reduce _b = _type_reduce({map_expr}); _s = REDUCE(_s, _b); }}\n'
            f'  {to} &{no} = _raw_{no}[0]; _type_reduce a = _s; POST_MAP(a);\n}}\n')

# scalar (non-array) inputs of each elementwise kernel: passed by value, not indexed by `i`
_SCALARS = {
    'bias_relu': ('C', 'inner'),
    'sgd_momentum': ('lr', 'momentum', 'dampening', 'weight_decay', 'nesterov', 'first'),
    'adam': ('lr', 'beta1', 'beta2', 'eps', 'weight_decay', 'bias_correction1', 'sqrt_bias_correction2', 'decoupled'),
    'softmax_xent_backward': ('scale', 'C', 'ignore_index'),
    'batch_norm_apply': ('C', 'inner'),
    'batch_norm_backward_apply': ('C', 'inner', 'M'),
}

def compile_cu(src, tmp_path, stem):
    cu = Path(tmp_path) / f'{stem}.cu'
    cu.write_text(src)
    r = subprocess.run([NVCC, '-arch=sm_90', '-cubin', str(cu), '-o', str(cu.with_suffix('.cubin')), '-Werror', 'all-warnings'],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f'nvcc failed on {stem}:\n{r.stderr}\n--- source ---\n{src}'

def all_sources(ctype):
    "Every kernel with `T` = `ctype`, each in its own namespace, as one translation unit."
    parts = [f'namespace raw_{n} {{ typedef {ctype} T;\n{s}\n}}' for n, s in RAW_SOURCES.items()]
    parts += [f'namespace ew_{n} {{ typedef {ctype} T;\n{wrap_elementwise(n, *s)}\n}}' for n, s in ELEMENTWISE_SOURCES.items()]
    parts += [f'namespace red_{n} {{ typedef {ctype} T;\n{wrap_reduction(n, *s)}\n#undef REDUCE\n#undef POST_MAP\n}}'
              for n, s in REDUCTION_SOURCES.items()]
    return '\n'.join(parts)

# one nvcc call per element type (device code only): the errors name the kernel's namespace
@pytest.mark.parametrize('ctype', ['float', 'double'])
def test_all_kernels_compile(ctype, tmp_path):
    compile_cu(all_sources(ctype), tmp_path, f'kernels_{ctype}')

def test_every_kernel_is_wrapped():
    src = all_sources('float')
    for n in [*RAW_SOURCES, *ELEMENTWISE_SOURCES, *REDUCTION_SOURCES]: assert f'void {n}(' in src

def test_wrapper_catches_errors(tmp_path):
    "The wrapping must be able to fail: a body with a type error does not compile."
    bad = wrap_elementwise('bad', 'T x', 'T y', 'y = x + undefined_name;')
    with pytest.raises(AssertionError, match='nvcc failed'):
        compile_cu('typedef float T;\n' + bad, tmp_path, 'bad')
