import Foundation

/// A due-time entry in the store that fires through the worker runtime.
///
/// A timer belongs to the input partition whose event created it, so only the instance that owns
/// that partition fires it, and it moves with the partition on a rebalance.
public struct DurableTimer: Sendable, Equatable {
    /// Deterministic id (e.g. `review-request:<orderId>:<sku>`): scheduling it again replaces it.
    public var id: String
    public var dueAt: Date
    /// A worker-defined kind, to dispatch on when it fires.
    public var kind: String
    /// Worker-defined payload (usually JSON).
    public var payload: Data
    /// The input partition that owns it.
    public var owner: TopicPartition

    public init(id: String, dueAt: Date, kind: String, payload: Data, owner: TopicPartition) {
        self.id = id
        self.dueAt = dueAt
        self.kind = kind
        self.payload = payload
        self.owner = owner
    }
}
