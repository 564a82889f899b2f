import Volumes

/// The paper's scores for one case (one predicted mask against one true mask on the same grid).
///
/// Objects are 26-connected components of each mask (foreground = voxel > 0.5). A predicted object P
/// *matches* a true object T when |P ∩ T| ≥ 25 % of |T| (the overlap is the intersection over the
/// true object's volume). All scores are fractions in 0…1; `tutor eval` prints them as percentages.
public struct CaseScores: Codable, Sendable, Equatable {
    public var name: String
    /// 2|P ∩ T| / (|P| + |T|) over the whole masks; 1 when both are empty.
    public var dsc: Double
    /// DSC restricted to true positives: the union of matched predicted objects against the union of
    /// matched true objects. `nil` (left out of means) when no object matched.
    public var dscTP: Double?
    /// Matched true objects / true objects; 1 when the truth has no object (nothing could be missed).
    public var recall: Double
    /// Matched predicted objects / predicted objects; 1 when nothing was predicted.
    public var precision: Double
    /// 2 · precision · recall / (precision + recall); 0 when both are 0.
    public var f1: Double
    public var trueObjects: Int, predictedObjects: Int
    public var matchedTrue: Int, matchedPredicted: Int
    public var trueVoxels: Int, predictedVoxels: Int

    enum CodingKeys: String, CodingKey {
        case name, dsc, recall, precision, f1
        case dscTP = "dsc_tp", trueObjects = "true_objects", predictedObjects = "predicted_objects"
        case matchedTrue = "matched_true", matchedPredicted = "matched_predicted"
        case trueVoxels = "true_voxels", predictedVoxels = "predicted_voxels"
    }
}

/// The smallest fraction of a true object that a predicted object must cover to count as a detection.
public let minimumObjectOverlap = 0.25

/// Scores `prediction` against `truth`; both must lie on the same grid.
/// - Throws: `TutorError` naming `name` when the grids differ.
public func score(prediction: Volume, truth: Volume, name: String = "case") throws -> CaseScores {
    guard prediction.size == truth.size else {
        throw TutorError("\(name): the prediction is \(prediction.size) voxels but the truth is \(truth.size); they must share a grid.")
    }
    let p = connectedComponents(of: prediction), t = connectedComponents(of: truth)
    // overlap[(tp, tt)] = voxels shared by predicted object tp and true object tt.
    var overlap: [Pair: Int] = [:]
    var both = 0
    for v in 0..<p.labels.count where p.labels[v] > 0 && t.labels[v] > 0 {
        overlap[Pair(predicted: p.labels[v], truth: t.labels[v]), default: 0] += 1
        both += 1
    }
    var matchedPred = Set<Int32>(), matchedTrue = Set<Int32>()
    for (pair, shared) in overlap where Double(shared) >= minimumObjectOverlap * Double(t.voxelCounts[Int(pair.truth) - 1]) {
        matchedPred.insert(pair.predicted); matchedTrue.insert(pair.truth)
    }
    let predVoxels = p.voxelCounts.reduce(0, +), trueVoxels = t.voxelCounts.reduce(0, +)
    let dsc = predVoxels + trueVoxels == 0 ? 1 : 2 * Double(both) / Double(predVoxels + trueVoxels)

    var dscTP: Double? = nil
    if !matchedTrue.isEmpty {
        let tpPred = matchedPred.reduce(0) { $0 + p.voxelCounts[Int($1) - 1] }
        let tpTrue = matchedTrue.reduce(0) { $0 + t.voxelCounts[Int($1) - 1] }
        let tpBoth = overlap.filter { matchedPred.contains($0.key.predicted) && matchedTrue.contains($0.key.truth) }
            .values.reduce(0, +)
        dscTP = 2 * Double(tpBoth) / Double(tpPred + tpTrue)
    }
    let recall = t.count == 0 ? 1 : Double(matchedTrue.count) / Double(t.count)
    let precision = p.count == 0 ? 1 : Double(matchedPred.count) / Double(p.count)
    let f1 = recall + precision == 0 ? 0 : 2 * recall * precision / (recall + precision)
    return CaseScores(name: name, dsc: dsc, dscTP: dscTP, recall: recall, precision: precision, f1: f1,
                      trueObjects: t.count, predictedObjects: p.count,
                      matchedTrue: matchedTrue.count, matchedPredicted: matchedPred.count,
                      trueVoxels: trueVoxels, predictedVoxels: predVoxels)
}

private struct Pair: Hashable { var predicted: Int32, truth: Int32 }
