// The keymap files of Keymaps/, built into the binary so `tutor` runs from anywhere.
// Keep in step with Keymaps/*.keys: KeymapTests checks they are the same text;
// after editing a .keys file, run Keymaps/bundle.py to regenerate this file.
enum BundledKeymaps {
    static let defaultKeys = """
# tutor workbench: default keymap.
# One binding per line: KEY ACTION. `#` starts a comment. `?` in the workbench lists the
# bindings in force and what each action does. Copy this file to $XDG_CONFIG_HOME/tutor/keys
# (~/.config/tutor/keys) and change lines there: they are applied on top of this file, and
# `KEY none` removes a binding. A line `base vi` at the top starts from Keymaps/vi.keys instead.
# Key names: a single character, or <Up> <Down> <Left> <Right> <S-Up> <S-Down> <S-Left> <S-Right>
# <PageUp> <PageDown> <Home> <End> <Enter> <Esc> <Tab> <Space> <Backspace> <C-x> (Ctrl+x).

# moving through the volume
<PageUp>     page-up
<PageDown>   page-down
.            slice-up
,            slice-down
>            slice-up
<            slice-down
<Home>       first-slice
<End>        last-slice
n            next-annotated
N            previous-annotated
<Left>       cursor-left
<Right>      cursor-right
<Up>         cursor-up
<Down>       cursor-down
<S-Left>     cursor-left-fast
<S-Right>    cursor-right-fast
<S-Up>       cursor-up-fast
<S-Down>     cursor-down-fast

# seeing
+            zoom-in
=            zoom-in
-            zoom-out
0            zoom-reset
z            center-on-cursor
w            window-wider
W            window-narrower
e            level-up
E            level-down
1            preset-lung
2            preset-mediastinum
3            preset-bone
b            toggle-boxes
m            toggle-mask
M            toggle-outline
D            toggle-dither

# boxes
<Space>      mark-corner
<Backspace>  delete-box
x            delete-box
<Tab>        select-next-box
h            box-left
j            box-down
k            box-up
l            box-right
]            box-wider
[            box-narrower
}            box-taller
{            box-shorter
c            copy-box-next
C            copy-box-previous
i            interpolate
o            next-object
O            new-object

# the mask
p            propose
a            accept
r            reject
B            brush
X            eraser
<Enter>      paint
)            brush-bigger
(            brush-smaller

# cases and the session
<C-n>        next-case
<C-p>        previous-case
s            skip
u            undo
<C-r>        redo
<C-s>        save
q            quit
<C-c>        quit
?            help
:            command-line
<Esc>        cancel
<C-l>        redraw
<C-z>        suspend

"""

    static let viKeys = """
# tutor workbench: vi-style keymap. hjkl move the cursor, HJKL move the selected box,
# <C-u>/<C-d> page through slices, <C-y>/<C-e> step one slice. Same format as default.keys;
# select it with `--keys vi` or a line `base vi` in $XDG_CONFIG_HOME/tutor/keys.

# moving through the volume
<C-e>        slice-up
<C-y>        slice-down
<Up>         slice-up
<Down>       slice-down
<C-u>        page-up
<C-d>        page-down
<PageUp>     page-up
<PageDown>   page-down
g            first-slice
G            last-slice
n            next-annotated
N            previous-annotated
h            cursor-left
l            cursor-right
k            cursor-up
j            cursor-down
<Left>       cursor-left-fast
<Right>      cursor-right-fast
<S-Up>       cursor-up-fast
<S-Down>     cursor-down-fast

# seeing
+            zoom-in
-            zoom-out
0            zoom-reset
z            center-on-cursor
w            window-wider
W            window-narrower
e            level-up
E            level-down
1            preset-lung
2            preset-mediastinum
3            preset-bone
b            toggle-boxes
m            toggle-mask
M            toggle-outline
D            toggle-dither

# boxes
v            mark-corner
<Space>      mark-corner
d            delete-box
x            delete-box
<Tab>        select-next-box
H            box-left
J            box-down
K            box-up
L            box-right
>            box-wider
<            box-narrower
}            box-taller
{            box-shorter
y            copy-box-next
Y            copy-box-previous
I            interpolate
o            next-object
O            new-object

# the mask
p            propose
a            accept
r            reject
B            brush
X            eraser
<Enter>      paint
)            brush-bigger
(            brush-smaller

# cases and the session
]            next-case
[            previous-case
s            skip
u            undo
<C-r>        redo
<C-s>        save
q            quit
<C-c>        quit
?            help
:            command-line
<Esc>        cancel
<C-l>        redraw
<C-z>        suspend

"""

}
