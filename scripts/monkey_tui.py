#!/usr/bin/env python3
"""A random-key monkey for the workbench: runs `tutor annotate` on a phantom case in tmux and sends
it random keys, mouse clicks, drags and wheel turns, `:` commands (good and bad) and terminal
resizes, then quits with `:q` and checks that it quit with status 0, printed no crash, left
boxes.json and state.json readable JSON and no temporary files behind. A failing round prints its
last 60 inputs and the screen, and its case folder is kept as monkey-out/round_N.

usage: scripts/monkey_tui.py [--tutor PATH] [--mode folder|store|review] [--rounds N] [--keys N] [--seed S] [--out DIR]
--mode folder: one case folder; store: `tutor annotate` on a dataset store of three cases (Ctrl-N and
Ctrl-P move between them); review: `tutor review` on that store after `tutor pseudo-label`.
It found, on 2026-12-05, that Ctrl-N on the only case left the teacher "busy" for ever, so that
every `:` command (`:q` too) queued behind it. Needs tmux; the proposals come from the bundled
teacher (or the threshold one without weights).
"""
import argparse, json, os, random, shutil, subprocess, sys, tempfile, time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
args.add_argument('--tutor', default=os.path.join(root, '.build/release/tutor'))
args.add_argument('--rounds', type=int, default=10)
args.add_argument('--keys', type=int, default=200, help='inputs per round')
args.add_argument('--seed', type=int, default=1)
args.add_argument('--out', default='monkey-out')
args.add_argument('--mode', choices=['folder', 'store', 'review'], default='folder')
a = args.parse_args()
if shutil.which('tmux') is None:
    sys.exit('monkey_tui: tmux is needed')
random.seed(a.seed)
work = tempfile.mkdtemp(prefix='tutor-monkey-')
sock = os.path.join(work, 'tmux.sock')


def tmux(*argv):
    return subprocess.run(['tmux', '-S', sock, *argv], capture_output=True, text=True)


KEYS = list('.,<>nN+=-0zwWeE123bmMDxhjkl][}{cCioOpaBX)(suqQ?:/') + [
    'Space', 'BSpace', 'Tab', 'Enter', 'Escape', 'Up', 'Down', 'Left', 'Right', 'S-Up', 'S-Down', 'S-Left',
    'S-Right', 'PageUp', 'PageDown', 'Home', 'End', 'C-n', 'C-p', 'C-r', 'C-l', 'C-s', 'C-z']
COMMANDS = [':slice 5', ':slice -3', ':slice 99999', ':box 1 2 3 4', ':box 500 500 9999 9999', ':box -1 -1 5 5',
            ':object 3', ':object 0', ':window 0 0', ':window 99999 -99999', ':propose', ':accept',
            ':reject because', ':w', ':frob', ':box a b c d', ':slice']


def mouse(x, y, button, release=False):   # an SGR 1006 report, as xterm sends it
    return f'\x1b[<{button};{x};{y}{"m" if release else "M"}'


def run(*argv):
    if subprocess.run([a.tutor, *argv], capture_output=True).returncode:
        sys.exit(f'monkey_tui: tutor {" ".join(argv)} failed')


phantoms = os.path.join(work, 'phantoms')
run('phantom', '--out', phantoms, '--count', '1' if a.mode == 'folder' else '3', '--seed', '4')
if a.mode == 'folder':
    original = os.path.join(phantoms, 'case_0000')
    os.remove(os.path.join(original, 'label.nii.gz'))   # an unlabelled case with the phantom's boxes
else:   # a dataset store whose cases have boxes and no label
    original = os.path.join(work, 'store')
    run('dataset', 'init', original, '--name', 'monkey')
    for case in sorted(os.listdir(phantoms)):
        folder = os.path.join(phantoms, case)
        run('dataset', 'import', original, '--case', case, '--image', os.path.join(folder, 'ct.nii.gz'),
            '--boxes', os.path.join(folder, 'boxes.json'))
    if a.mode == 'review':
        run('pseudo-label', original)
subcommand = 'review' if a.mode == 'review' else 'annotate'
tmux('new-session', '-d', '-s', 'keep', 'sleep 86400')   # keeps the server up between rounds
failures = 0
for round_ in range(a.rounds):
    case = os.path.join(work, 'case')
    shutil.rmtree(case, ignore_errors=True)
    shutil.copytree(original, case)
    done = os.path.join(work, 'exit.txt')
    if os.path.exists(done):
        os.remove(done)
    width, height = random.choice([(80, 24), (120, 40), (40, 12), (200, 60), (20, 8)])
    tmux('kill-session', '-t', 'm')
    tmux('new-session', '-d', '-s', 'm', '-x', str(width), '-y', str(height),
         f"TERM=xterm-256color '{a.tutor}' {subcommand} '{case}' 2>'{work}/err.txt'; echo EXIT=$? > '{done}'; sleep 60")
    time.sleep(1.5)
    log = []
    for _ in range(a.keys):
        r = random.random()
        if r < 0.08:
            command = random.choice(COMMANDS)
            log.append(command)
            tmux('send-keys', '-t', 'm', '-l', command)
            tmux('send-keys', '-t', 'm', 'Enter')
        elif r < 0.18:
            x, y, button = random.randint(1, width), random.randint(1, height), random.choice([0, 0, 32, 64, 65, 2])
            sequence = mouse(x, y, button) + (mouse(x, y, button, True) if button in (0, 2) else '')
            log.append(repr(sequence))
            tmux('send-keys', '-t', 'm', '-l', sequence)
        elif r < 0.21:
            log.append('resize')
            tmux('resize-window', '-t', 'm', '-x', str(random.randint(10, 220)), '-y', str(random.randint(5, 70)))
        else:
            key = random.choice(KEYS)
            if key in 'qQ' and random.random() < 0.7:
                key = 'j'   # quitting early ends the round too soon
            log.append(key)
            tmux('send-keys', '-t', 'm', *(['-l', key] if len(key) == 1 else [key]))
        if random.random() < 0.05:
            time.sleep(0.5)
    time.sleep(1)
    screen = tmux('capture-pane', '-p', '-t', 'm').stdout
    for _ in range(2):
        if os.path.exists(done):
            break
        for key in ('Escape', 'Escape'):
            tmux('send-keys', '-t', 'm', key)
        tmux('send-keys', '-t', 'm', '-l', ':q')
        tmux('send-keys', '-t', 'm', 'Enter')
        time.sleep(2)
    status = open(done).read().strip() if os.path.exists(done) else 'still running after :q'
    errors = open(os.path.join(work, 'err.txt')).read()
    readable = True
    for path in [os.path.join(d, f) for d, _, files in os.walk(case) for f in files if f in ('boxes.json', 'state.json')]:
        try:
            if os.path.exists(path):
                json.load(open(path))
        except ValueError:
            readable = False
    leftovers = [f for _, _, files in os.walk(case) for f in files if 'tmp' in f.lower()]
    if a.mode != 'folder':   # the index and the files must still agree
        check = subprocess.run([a.tutor, 'dataset', 'check', case], capture_output=True, text=True)
        if check.returncode:
            readable = False
            errors += check.stdout[-300:] + check.stderr[-300:]
    if status != 'EXIT=0' or 'crash' in errors.lower() or not readable or leftovers:
        failures += 1
        shutil.copytree(case, os.path.join(a.out, f'round_{round_}'), dirs_exist_ok=True)
        print(f'FAIL round {round_} ({width}×{height}): {status}; stderr: {errors[:300]!r}; JSON readable: {readable};'
              f' temporary files: {leftovers}\nlast inputs: {" ".join(log[-60:])}\nscreen:\n{screen}', flush=True)
    else:
        print(f'round {round_} ({width}×{height}): ok', flush=True)
tmux('kill-server')
shutil.rmtree(work, ignore_errors=True)
print(f'monkey_tui: {a.rounds} rounds of {a.keys} inputs, {failures} failures')
sys.exit(1 if failures else 0)
