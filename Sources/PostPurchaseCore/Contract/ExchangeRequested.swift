import Foundation

/// The returns worker asks fulfilment to send an exchange item.
///
/// The CloudEvent `data` of ``EventType/exchangeRequested`` (`exchange.requested`).
public struct ExchangeRequested: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The return's id from the returns portal.
    public var returnId: String
    /// What is being returned.
    public var items: [ItemQuantity]
    /// The SKU to send instead.
    public var exchangeSku: String

    /// Creates the payload field by field.
    public init(orderId: String, returnId: String, items: [ItemQuantity], exchangeSku: String) {
        self.orderId = orderId
        self.returnId = returnId
        self.items = items
        self.exchangeSku = exchangeSku
    }
}
