#!/usr/bin/env python3
"""Feeds damaged input files to tutor and reports any run that does not end the way bad input must:
exit status 0, or 1 with one sentence on stderr (a crash, a hang or a many-line error is a failure).

Each run takes a good file, damages it (flipped or zeroed bytes, truncation, inserted bytes,
duplicated runs, numbers replaced by -1, 0, NaN, huge or empty) and hands it to the command that
reads it: `tutor info` (NIfTI), `tutor eval` (a mask), `tutor model forward` (safetensors weights and
input, when ../shared/fixtures/unet3d-small is there), `tutor teacher predict --method threshold`
(JSON, CSV and Pascal VOC box files) and `tutor dataset import` (a CT into a dataset store, which
`tutor dataset check` must then find consistent). A failing input is kept as fuzz-out/bad_N_KIND for replaying.

usage: scripts/fuzz_inputs.py [--tutor PATH] [--runs N] [--seed S] [--out DIR]
It found the VOC crash fixed on 2026-12-05 (a byte that is not UTF-8 in an element name).
"""
import argparse, gzip, json, os, random, re, shutil, subprocess, sys, tempfile

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
args.add_argument('--tutor', default=os.path.join(root, '.build/release/tutor'))
args.add_argument('--runs', type=int, default=300)
args.add_argument('--seed', type=int, default=1)
args.add_argument('--out', default='fuzz-out')
a = args.parse_args()
random.seed(a.seed)
os.makedirs(a.out, exist_ok=True)
work = tempfile.mkdtemp(prefix='tutor-fuzz-')


def tutor(*argv, timeout=120):
    try:
        r = subprocess.run([a.tutor, *argv], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 'timeout', []
    return r.returncode, r.stderr.decode(errors='replace').strip().splitlines()


def damage(data):
    b = bytearray(data)
    kind = random.choice(['flip', 'truncate', 'insert', 'zero', 'duplicate', 'number'])
    if kind == 'truncate' or not b:
        return bytes(b[:random.randrange(0, len(b) + 1)])
    if kind == 'duplicate':
        i = random.randrange(len(b))
        b[i:i] = b[i:i + random.randint(1, 40)]
        return bytes(b)
    if kind == 'number':
        text = b.decode(errors='replace')
        numbers = list(re.finditer(r'\d+', text))
        if numbers:
            m = random.choice(numbers)
            text = text[:m.start()] + random.choice(['-1', '0', '99999999999', '1e9', 'NaN', '3.5', '']) + text[m.end():]
        return text.encode()
    for _ in range(random.randint(1, 8)):
        # Most damage in the first bytes, where the headers are.
        i = random.randrange(min(len(b), 400) if random.random() < 0.7 else len(b))
        if kind == 'flip':
            b[i] ^= 1 << random.randrange(8)
        elif kind == 'insert':
            b[i:i] = bytes([random.choice(b'0123456789,;<>/"{}[] -\n\xee')])
        else:
            b[i] = 0
    return bytes(b)


# The good inputs: one phantom case, the fixture network when ../shared has it.
case = os.path.join(work, 'phantom')
code, err = tutor('phantom', '--out', case, '--count', '1', '--seed', '3')
if code != 0:
    sys.exit(f'fuzz_inputs: could not make a phantom case: {err}')
case = os.path.join(case, 'case_0000')
ct_path, label_path = os.path.join(case, 'ct.nii.gz'), os.path.join(case, 'label.nii.gz')
ct, label = gzip.decompress(open(ct_path, 'rb').read()), gzip.decompress(open(label_path, 'rb').read())
boxes_json = open(os.path.join(case, 'boxes.json'), 'rb').read()
box = json.loads(boxes_json)['boxes'][0]   # the same box in the other formats (VOC is 1-based)
boxes_csv = ('slice,x_min,y_min,x_max,y_max,object\n'
             f"{box['slice']},{box['x_min']},{box['y_min']},{box['x_max']},{box['y_max']},1\n").encode()
voc_name = f"slice_{box['slice']:03d}.xml"
boxes_voc = ('<annotation><filename>slice.png</filename><size><width>512</width><height>512</height></size>'
             f"<object><name>tumour</name><bndbox><xmin>{box['x_min'] + 1}</xmin><ymin>{box['y_min'] + 1}</ymin>"
             f"<xmax>{box['x_max'] + 1}</xmax><ymax>{box['y_max'] + 1}</ymax></bndbox></object></annotation>").encode()
fixture = os.path.join(os.path.dirname(root), 'shared/fixtures/unet3d-small')
store = os.path.join(work, 'store')   # a dataset store that damaged imports must leave consistent
code, err = tutor('dataset', 'init', store, '--name', 'fuzz')
if code != 0:
    sys.exit(f'fuzz_inputs: could not make a dataset store: {err}')

def predict(boxes):
    return ('teacher', 'predict', '--image', ct_path, '--boxes', boxes, '--out', os.path.join(work, 'm.nii.gz'),
            '--method', 'threshold')


def forward(weights_path, input_path):
    return ('model', 'forward', '--weights', weights_path, '--input', input_path,
            '--output', os.path.join(work, 'o.safetensors'))


# kind: (file name, the good bytes, the command that reads the damaged file at path p); `run` is
# the run's number, for a fresh case ID per import.
targets = {
    'ct': ('ct.nii', ct, lambda p, run: ('info', p)),
    'label': ('label.nii', label, lambda p, run: ('eval', '--pred', p, '--truth', label_path)),
    'json': ('boxes.json', boxes_json, lambda p, run: predict(p)),
    'csv': ('boxes.csv', boxes_csv, lambda p, run: predict(p)),
    'voc': (voc_name, boxes_voc, lambda p, run: predict(p)),
    'import': ('import.nii', ct, lambda p, run: ('dataset', 'import', store, '--case', f'c{run}', '--image', p,
                                                 '--boxes', os.path.join(case, 'boxes.json'))),
}
if os.path.isdir(fixture):
    good_weights, good_input = (os.path.join(fixture, f) for f in ('weights.safetensors', 'input.safetensors'))
    targets['weights'] = ('w.safetensors', open(good_weights, 'rb').read(), lambda p, run: forward(p, good_input))
    targets['input'] = ('i.safetensors', open(good_input, 'rb').read(), lambda p, run: forward(good_weights, p))

failures = 0
for run in range(a.runs):
    kind = random.choice(sorted(targets))
    path, good, command = targets[kind]
    target = os.path.join(work, path)
    with open(target, 'wb') as f:
        f.write(damage(good))
    code, err = tutor(*command(target, run))
    if kind == 'import':   # whatever the import said, the index and the files must agree
        checked, check_err = tutor('dataset', 'check', store)
        if checked != 0:
            code, err = f'{code}, then dataset check {checked}', err + check_err
    if code not in (0, 1) or (code == 1 and len(err) != 1):
        failures += 1
        shutil.copy(target, os.path.join(a.out, f'bad_{run}_{kind}'))
        print(f'FAIL run {run} ({kind}): exit {code}: {" / ".join(err[:3])}', flush=True)
shutil.rmtree(work, ignore_errors=True)
print(f'fuzz_inputs: {a.runs} runs, {failures} failures')
sys.exit(1 if failures else 0)
