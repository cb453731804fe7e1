import Foundation

/// A return parcel reached the store.
///
/// The CloudEvent `data` of ``EventType/returnReceived`` (`return.received`).
public struct ReturnReceived: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The return's id from the returns portal.
    public var returnId: String
    /// The return parcel's tracking number, when it was tracked.
    public var trackingNumber: String?
    /// When it was delivered back.
    public var receivedAt: Date

    /// Creates the payload field by field.
    public init(orderId: String, returnId: String, trackingNumber: String? = nil, receivedAt: Date) {
        self.orderId = orderId
        self.returnId = returnId
        self.trackingNumber = trackingNumber
        self.receivedAt = receivedAt
    }
}
