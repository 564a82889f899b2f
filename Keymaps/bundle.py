#!/usr/bin/env python3
"""Regenerates Sources/Workbench/Model/BundledKeymaps.swift from Keymaps/*.keys."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent


def literal(name):
    text = (root / 'Keymaps' / f'{name}.keys').read_text()
    assert '"""' not in text and '\\' not in text, f'{name}.keys holds characters a Swift literal cannot'
    return text


lines = ['// The keymap files of Keymaps/, built into the binary so `tutor` runs from anywhere.',
         '// Keep in step with Keymaps/*.keys: KeymapTests checks they are the same text;',
         '// after editing a .keys file, run Keymaps/bundle.py to regenerate this file.',
         'enum BundledKeymaps {']
for name, variable in [('default', 'defaultKeys'), ('vi', 'viKeys')]:
    # The newline right before the closing quotes is not part of a Swift literal: add one.
    lines.append(f'    static let {variable} = """\n' + literal(name) + '\n"""\n')
lines.append('}\n')
(root / 'Sources/Workbench/Model/BundledKeymaps.swift').write_text('\n'.join(lines))
