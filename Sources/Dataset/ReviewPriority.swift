import Foundation
import GRDB
import Teacher
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

/// How unsure the teacher was where it decided: the mean of 2·min(p, 1 − p) over every voxel inside
/// the case's (interpolated) boxes, 0 (every voxel clearly in or out) … 1 (every voxel a coin toss).
///
/// The teacher's probabilities are not kept (proposals are stored as 0/1 masks, and the default teacher,
/// the threshold baseline, has none), so p is the threshold teacher's decision made soft: per tumour,
/// p = logistic((HU − level) / 25 HU) with `level` its Otsu level inside the boxes. It is high where
/// much of the boxed tissue lies near the level (ground glass, partial volume) and low for a solid
/// tumour in aerated lung. For proposals of the network teacher it is a proxy computed the same way.
public func teacherUncertainty(image: Volume, boxes: [Box], softness: Float = 25) -> Double {
    let s = image.size
    let inside = interpolateBoxes(boxes).compactMap { b -> Box? in
        guard b.slice >= 0, b.slice < s.k, b.xMax >= 0, b.yMax >= 0, b.xMin < s.i, b.yMin < s.j else { return nil }
        return Box(slice: b.slice, xMin: max(b.xMin, 0), yMin: max(b.yMin, 0),
                   xMax: min(b.xMax, s.i - 1), yMax: min(b.yMax, s.j - 1), object: b.object)
    }
    var sum = 0.0, count = 0
    for object in Set(inside.map(\.object)) {
        var values: [Float] = []
        for b in inside where b.object == object {
            for j in b.yMin...b.yMax { for i in b.xMin...b.xMax { values.append(image[i, j, b.slice]) } }
        }
        let range = ThresholdTeacher.levelRange
        let level = min(max(ThresholdTeacher.otsuLevel(values), range.lowerBound), range.upperBound)
        for hu in values {
            let p = 1 / (1 + exp(-Double((hu - level) / softness)))
            sum += 2 * min(p, 1 - p)
        }
        count += values.count
    }
    return count == 0 ? 0 : sum / Double(count)
}

/// A proposed case's place in the review queue, as computed once and stored in the index
/// (`priorities` table): for which proposal file and which student weights, and the two numbers.
public struct ReviewPriority: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "priorities"
    public var caseID: String
    /// The proposal it was computed for (dataset-relative path, e.g. `cases/a/proposal.r2.nii.gz`).
    public var proposalPath: String
    /// The student weights' hash (FNV-1a 64 of the file, as `StudentNetwork.weightsHash`).
    public var studentHash: String
    /// 1 − DSC(teacher's proposal, student's prediction).
    public var disagreement: Double
    /// `teacherUncertainty` of the case.
    public var uncertainty: Double
    public var computedAt: String

    public init(caseID: String, proposalPath: String, studentHash: String, disagreement: Double,
                uncertainty: Double, computedAt: String? = nil) {
        self.caseID = caseID; self.proposalPath = proposalPath; self.studentHash = studentHash
        self.disagreement = disagreement; self.uncertainty = uncertainty
        self.computedAt = computedAt ?? DatasetStore.timestamp()
    }

    /// The teacher-vs-student DSC.
    public var dice: Double { 1 - disagreement }
}

extension DatasetStore {
    /// `reviewPriority` of case `id`'s current proposal against `prediction`; nil when the case has no mask.
    public func reviewPriority(_ id: String, prediction: Volume) throws -> Double? {
        guard let path = try maskPath(id) else { return nil }
        return try Dataset.reviewPriority(proposal: VolumeIO.read(path), prediction: prediction)
    }

    /// Every stored priority, by case (current or stale; `reviewQueue` tells which).
    public func priorities() throws -> [String: ReviewPriority] {
        try pool.read { db in
            Dictionary(uniqueKeysWithValues: try ReviewPriority.fetchAll(db).map { ($0.caseID, $0) })
        }
    }

    /// Stores a priority, replacing the case's earlier one, unless the case's proposal is no longer the
    /// one it was computed for (a reviewer or the teacher changed it meanwhile): then nothing is stored
    /// and the answer is false.
    @discardableResult
    public func savePriority(_ priority: ReviewPriority) throws -> Bool {
        try pool.write { db in
            let c = try Self.fetchCase(db, priority.caseID)
            guard c.state == .proposed, c.maskPath == priority.proposalPath else { return false }
            try priority.insert(db, onConflict: .replace)
            return true
        }
    }
}
