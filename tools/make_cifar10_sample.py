"""Build tinygrad_edu/data/cifar10_sample.zip: the first 100 train and 20 test JPEGs of each class
(sorted file names) of cifar10-jpg.zip, same layout, stored without recompression.

    python tools/make_cifar10_sample.py --data /path/to/cifar10-jpg.zip
"""
import argparse, os, zipfile
from collections import defaultdict

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='../shared/data/cifar10-jpg.zip')
    ap.add_argument('--out', default='tinygrad_edu/data/cifar10_sample.zip')
    ap.add_argument('--train', type=int, default=100)
    ap.add_argument('--test', type=int, default=20)
    a = ap.parse_args()
    src = zipfile.ZipFile(a.data)
    by = defaultdict(list)
    for n in src.namelist():
        parts = n.split('/')
        if len(parts) == 3 and parts[2].lower().endswith('.jpg'): by[(parts[0], parts[1])].append(n)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    tmp = a.out + '.tmp'
    with zipfile.ZipFile(tmp, 'w', zipfile.ZIP_STORED) as out:
        for (split, cls) in sorted(by):
            k = a.train if split == 'train' else a.test
            for n in sorted(by[(split, cls)])[:k]:
                info = zipfile.ZipInfo(n, date_time=(2020, 1, 1, 0, 0, 0))
                out.writestr(info, src.read(n))
    os.replace(tmp, a.out)
    print(a.out, os.path.getsize(a.out), 'bytes')

if __name__ == '__main__': main()
