/// The condition of a returned item found at inspection.
public enum ItemCondition: String, Codable, Sendable, CaseIterable {
    /// Can be sold again.
    case resellable
    /// Damaged.
    case damaged
    /// Not in the parcel.
    case missing
}
