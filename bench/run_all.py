"""Run every CPU benchmark of bench/ in turn (each prints its own table against PyTorch).

    python bench/run_all.py [--quick]

`bench/cuda_bench.py` needs a GPU and is run by hand (see bench/CUDA_NOTES.md).
"""
import subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK = '--quick' in sys.argv[1:]
BENCHES = [('nn_ops.py', ['--runs', '3'] if QUICK else []),
           ('train_step.py', ['--quick'] if QUICK else []),
           ('data_loader.py', [])]

def main():
    failed = []
    for name, args in BENCHES:
        path = HERE / name
        if not path.exists(): continue
        print(f"\n=== bench/{name} {' '.join(args)}", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(path), *args])
        print(f"=== bench/{name}: exit {rc}, {time.perf_counter() - t0:.1f} s", flush=True)
        if rc: failed.append(name)
    if failed: sys.exit(f"failed: {', '.join(failed)}")

if __name__ == '__main__': main()
