/// What a voxel of the phantom is made of; decides which structures may paint over it.
enum Tissue: UInt8 {
    case air, wall, lung, mediastinum, heart, bone, abdomen, table
}

/// Typical attenuation of each material (HU), around which every patient varies a little.
enum HU {
    static let air: Float = -1000
    static let fat: Float = -100
    static let skin: Float = 20
    static let muscle: Float = 50
    static let lung: Float = -870
    static let blood: Float = 40
    static let corticalBone: Float = 850
    static let marrow: Float = 220
    static let cartilage: Float = 130
    static let disc: Float = 85
    static let csf: Float = 15
    static let liver: Float = 58
    static let spleen: Float = 45
}
