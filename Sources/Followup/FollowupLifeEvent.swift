import Foundation

/// One step in a follow-up's life, for `postpurchase why ORDER_ID`.
public struct FollowupLifeEvent: Codable, Sendable, Equatable {
    /// When the worker decided it (its clock).
    public var at: Date
    /// The status it moved to.
    public var status: FollowupStatus
    /// Why, in plain words.
    public var reason: String

    /// A step.
    public init(at: Date, status: FollowupStatus, reason: String) {
        self.at = at
        self.status = status
        self.reason = reason
    }
}
