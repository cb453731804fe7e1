/// Where a follow-up is in its life.
public enum FollowupStatus: String, Codable, Sendable {
    /// A timer is set for its due time.
    case scheduled
    /// Moved to a later time (the marketing cap); a timer is set for that time.
    case deferred
    /// Held without a timer until something happens (a delayed parcel's delivery).
    case waiting
    /// Handed to the sender (`notification.requested`).
    case sent
    /// Not sent, for a reason known when it fell due (overdue, no consent).
    case skipped
    /// Not sent, because something happened before it fell due (cancellation, return, review).
    case cancelled

    /// Whether nothing more will happen to it.
    public var isFinal: Bool { self == .sent || self == .skipped || self == .cancelled }
}
