/// A customer's reason for returning an item.
public enum ReturnReason: String, Codable, Sendable, CaseIterable {
    case damaged
    case wrongItem = "wrong-item"
    case notAsDescribed = "not-as-described"
    case changedMind = "changed-mind"
    case doesntFit = "doesnt-fit"
    case other
}
