import Volumes

/// How much a second opinion is needed on a teacher's proposal: the disagreement 1 − DSC between the
/// proposal and a student's prediction for the same case (0 = they agree voxel for voxel, 1 = they share
/// nothing). Both masks must lie on the case's grid (foreground = voxel > 0.5); two empty masks agree.
/// The review queue shows cases in decreasing priority.
public func reviewPriority(proposal: Volume, prediction: Volume) throws -> Double {
    guard proposal.size == prediction.size else {
        throw TutorError("the proposal is \(proposal.size) voxels but the student's prediction is \(prediction.size); they must share the case's grid.")
    }
    var both = 0, total = 0
    for v in proposal.voxels.indices {
        let a = proposal.voxels[v] > 0.5, b = prediction.voxels[v] > 0.5
        if a && b { both += 1 }
        total += (a ? 1 : 0) + (b ? 1 : 0)
    }
    return total == 0 ? 0 : 1 - 2 * Double(both) / Double(total)
}

extension DatasetStore {
    /// `reviewPriority` of case `id`'s current proposal against `prediction`; nil when the case has no mask.
    public func reviewPriority(_ id: String, prediction: Volume) throws -> Double? {
        guard let path = try maskPath(id) else { return nil }
        return try Dataset.reviewPriority(proposal: VolumeIO.read(path), prediction: prediction)
    }
}
