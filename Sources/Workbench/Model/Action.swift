/// Every thing a user can ask the workbench to do from a key. Its `rawValue` is the name used in
/// keymap files (`Keymaps/*.keys`); `summary` is the line the `?` help screen shows.
/// The keymap, the help screen and the model all read this one list.
public enum Action: String, CaseIterable, Sendable {
    // Moving through the volume
    case sliceUp = "slice-up", sliceDown = "slice-down"
    case pageUp = "page-up", pageDown = "page-down"
    case firstSlice = "first-slice", lastSlice = "last-slice"
    case nextAnnotated = "next-annotated", previousAnnotated = "previous-annotated"
    case cursorLeft = "cursor-left", cursorRight = "cursor-right", cursorUp = "cursor-up", cursorDown = "cursor-down"
    case cursorLeftFast = "cursor-left-fast", cursorRightFast = "cursor-right-fast"
    case cursorUpFast = "cursor-up-fast", cursorDownFast = "cursor-down-fast"
    // Seeing
    case zoomIn = "zoom-in", zoomOut = "zoom-out", zoomReset = "zoom-reset", centerOnCursor = "center-on-cursor"
    case windowWider = "window-wider", windowNarrower = "window-narrower"
    case levelUp = "level-up", levelDown = "level-down"
    case presetLung = "preset-lung", presetMediastinum = "preset-mediastinum", presetBone = "preset-bone"
    case toggleBoxes = "toggle-boxes", toggleMask = "toggle-mask", toggleDither = "toggle-dither"
    // Boxes
    case markCorner = "mark-corner", deleteBox = "delete-box", selectNextBox = "select-next-box"
    case boxLeft = "box-left", boxRight = "box-right", boxUp = "box-up", boxDown = "box-down"
    case boxWider = "box-wider", boxNarrower = "box-narrower", boxTaller = "box-taller", boxShorter = "box-shorter"
    case copyBoxNext = "copy-box-next", copyBoxPrevious = "copy-box-previous", interpolate = "interpolate"
    case nextObject = "next-object", newObject = "new-object"
    // The mask
    case propose, accept, reject
    case brush, eraser, paint
    case brushBigger = "brush-bigger", brushSmaller = "brush-smaller"
    // Cases and the session
    case nextCase = "next-case", previousCase = "previous-case", skip
    case undo, redo, save, quit, help, commandLine = "command-line", cancel, redraw, suspend

    /// One line for the help screen.
    public var summary: String {
        switch self {
        case .sliceUp: "next slice (k+1)"
        case .sliceDown: "previous slice (k-1)"
        case .pageUp: "ten slices up"
        case .pageDown: "ten slices down"
        case .firstSlice: "first slice"
        case .lastSlice: "last slice"
        case .nextAnnotated: "jump to the next slice with a box"
        case .previousAnnotated: "jump to the previous slice with a box"
        case .cursorLeft: "cursor left one voxel (on screen)"
        case .cursorRight: "cursor right one voxel (on screen)"
        case .cursorUp: "cursor up one voxel (on screen)"
        case .cursorDown: "cursor down one voxel (on screen)"
        case .cursorLeftFast: "cursor left eight voxels"
        case .cursorRightFast: "cursor right eight voxels"
        case .cursorUpFast: "cursor up eight voxels"
        case .cursorDownFast: "cursor down eight voxels"
        case .zoomIn: "zoom in around the cursor"
        case .zoomOut: "zoom out"
        case .zoomReset: "fit the slice to the window"
        case .centerOnCursor: "pan so the cursor is in the middle"
        case .windowWider: "wider window (less contrast)"
        case .windowNarrower: "narrower window (more contrast)"
        case .levelUp: "raise the level (darker image)"
        case .levelDown: "lower the level (brighter image)"
        case .presetLung: "lung window: W 1500 L -600"
        case .presetMediastinum: "mediastinum window: W 350 L 50"
        case .presetBone: "bone window: W 1800 L 400"
        case .toggleBoxes: "show or hide the boxes"
        case .toggleMask: "show or hide the proposed mask"
        case .toggleDither: "ordered dithering on or off"
        case .markCorner: "mark a box corner at the cursor (twice makes a box)"
        case .deleteBox: "delete the selected box"
        case .selectNextBox: "select the next box on this slice"
        case .boxLeft: "move the selected box left"
        case .boxRight: "move the selected box right"
        case .boxUp: "move the selected box up"
        case .boxDown: "move the selected box down"
        case .boxWider: "widen the selected box"
        case .boxNarrower: "narrow the selected box"
        case .boxTaller: "make the selected box taller"
        case .boxShorter: "make the selected box shorter"
        case .copyBoxNext: "copy this slice's boxes to the next slice and go there"
        case .copyBoxPrevious: "copy this slice's boxes to the previous slice and go there"
        case .interpolate: "fill boxes between key slices of the current tumour"
        case .nextObject: "draw the next tumour (object number)"
        case .newObject: "start a new tumour (a fresh object number)"
        case .propose: "ask the teacher for a mask now"
        case .accept: "accept the proposed mask as this case's label"
        case .reject: "reject the proposal (asks for a reason)"
        case .brush: "brush mode: paint mask at the cursor"
        case .eraser: "eraser mode: remove mask at the cursor"
        case .paint: "paint (or erase) at the cursor in brush mode"
        case .brushBigger: "bigger brush"
        case .brushSmaller: "smaller brush"
        case .nextCase: "open the next case"
        case .previousCase: "open the previous case"
        case .skip: "leave this case for later and open the next one"
        case .undo: "undo the last edit"
        case .redo: "redo"
        case .save: "save everything now (it is also saved as you go)"
        case .quit: "save and quit"
        case .help: "this help (any key closes it)"
        case .commandLine: "type a command (:slice K, :box X0 Y0 X1 Y1, :propose, :accept, :reject R, :w, :q)"
        case .cancel: "cancel the current mode, box or prompt"
        case .redraw: "redraw the whole screen (after another program wrote over it)"
        case .suspend: "suspend to the shell (fg comes back), as Ctrl-Z does elsewhere"
        }
    }
}
