/// A customer's reason for returning an item.
public enum ReturnReason: String, Codable, Sendable, CaseIterable {
    /// The item arrived damaged.
    case damaged
    /// A different item was sent.
    case wrongItem = "wrong-item"
    /// The item is not as described.
    case notAsDescribed = "not-as-described"
    /// The customer changed their mind.
    case changedMind = "changed-mind"
    /// The item doesn't fit.
    case doesntFit = "doesnt-fit"
    /// Any other reason.
    case other
}
