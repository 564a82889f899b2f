import Volumes

/// Turns boxes drawn on an image into a 3D mask. Runs off the UI thread: `progress` takes a
/// fraction in 0…1, and the proposer should stop early (returning nil) once `isCancelled()` is true.
public protocol Proposer: Sendable {
    /// A name for the status line ("threshold teacher", "box teacher").
    var name: String { get }
    /// The mask (0/1 on the image grid) for `boxes` (voxel indices of `image`), or nil when cancelled.
    func propose(image: Volume, boxes: [Box], progress: @Sendable (Double) -> Void,
                 isCancelled: @Sendable () -> Bool) throws -> BinaryMask?
}
