import Foundation
import Volumes

extension WorkbenchState {
    /// The `:` commands, for the help screen.
    public static let commandSummaries: [(String, String)] = [
        (":slice K", "go to slice K (0-based, as in box files)"),
        (":box X0 Y0 X1 Y1", "add a box on this slice for the current tumour (voxel indices)"),
        (":object N", "draw tumour N"),
        (":window W L", "set window width and level in HU"),
        (":propose", "ask the teacher for a mask now"),
        (":accept", "accept the mask (waits for a running proposal)"),
        (":reject [reason]", "reject the proposal, giving a reason"),
        (":w", "save everything now"),
        (":q  :wq  :x", "save and quit"),
    ]

    /// Runs one command line (without the leading `:`) now.
    public mutating func execute(_ line: String) -> [Effect] {
        let words = line.split(separator: " ").map(String.init)
        guard let name = words.first else { return [] }
        let args = Array(words.dropFirst())
        func ints(_ n: Int) -> [Int]? {
            let values = args.compactMap { Int($0) }
            return values.count == n && args.count == n ? values : nil
        }
        switch name {
        case "slice", "s":
            guard let v = ints(1) else { message = "usage: :slice K"; return [] }
            guard v[0] >= 0, v[0] < image.size.k else { message = "no slice \(v[0]): slices are 0…\(image.size.k - 1)"; return [] }
            goToSlice(v[0])
            message = "slice \(slice)"
        case "box":
            guard let v = ints(4) else { message = "usage: :box X0 Y0 X1 Y1"; return [] }
            guard inImage(v[0], v[1]), inImage(v[2], v[3]) else {
                message = "box outside the image: x is 0…\(image.size.i - 1), y is 0…\(image.size.j - 1)"; return []
            }
            return addBox(from: (v[0], v[1]), to: (v[2], v[3]))
        case "object":
            guard let v = ints(1), v[0] >= 1 else { message = "usage: :object N (N ≥ 1)"; return [] }
            object = v[0]; selectedBox = nil
            message = "drawing tumour \(object)"
        case "window":
            guard args.count == 2, let w = Double(args[0]), let l = Double(args[1]), w >= 1 else {
                message = "usage: :window W L (HU)"; return []
            }
            window = w; level = l
            message = "W \(Int(w)) L \(Int(l))"
        case "propose":
            guard !boxes.isEmpty else { message = "draw a box first: the teacher works from boxes"; return [] }
            requestedVersion = boxesVersion
            proposalStatus = .pending
            message = "asking the teacher…"
            return [.requestProposal(version: boxesVersion, delay: 0)]
        case "accept":
            guard contents.proposal != nil else { message = "nothing to accept: no proposal yet (press p)"; return [] }
            contents.state = .accepted
            message = "accepted \(contents.id): the mask is its label now"
            return [.accept] + (queue != nil ? [.saveViewPoint, .openCase(offset: 1)] : [])
        case "reject":
            let reason = args.joined(separator: " ")
            contents.state = .rejected(reason: reason.isEmpty ? "no reason given" : reason)
            message = "rejected \(contents.id)" + (reason.isEmpty ? "" : ": \(reason)")
            return [.reject(reason: reason.isEmpty ? "no reason given" : reason)]
                + (queue != nil ? [.saveViewPoint, .openCase(offset: 1)] : [])
        case "w", "write":
            message = "saved"
            return [.saveBoxes(boxes), .saveViewPoint] + (contents.proposal != nil && contents.state == .proposed ? [.saveProposal] : [])
        case "q", "quit", "wq", "x", "q!":
            return [.saveViewPoint, .quit]
        case "help": mode = .help(scroll: 0)
        default:
            message = "unknown command :\(name) (? lists the commands)"
        }
        return []
    }

    /// Puts a freshly opened case in place of the current one, keeping the session's settings
    /// (keymap, window when the case has none stored, command history).
    public mutating func load(_ new: CaseContents) {
        var fresh = WorkbenchState(contents: new, keymap: keymap, width: screenWidth, height: screenHeight)
        if new.viewPoint == nil { fresh.window = window; fresh.level = level }
        fresh.history = history
        fresh.queue = queue
        fresh.proposerName = proposerName
        fresh.dither = dither
        fresh.message = message
        self = fresh
    }
}
