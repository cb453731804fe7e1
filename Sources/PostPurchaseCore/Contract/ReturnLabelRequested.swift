import Foundation

/// The returns worker asks for a return label.
///
/// The CloudEvent `data` of ``EventType/returnLabelRequested`` (`return.label_requested`).
public struct ReturnLabelRequested: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The return's id from the returns portal.
    public var returnId: String
    /// What is being returned.
    public var items: [ItemQuantity]

    /// Creates the payload field by field.
    public init(orderId: String, returnId: String, items: [ItemQuantity]) {
        self.orderId = orderId
        self.returnId = returnId
        self.items = items
    }
}
