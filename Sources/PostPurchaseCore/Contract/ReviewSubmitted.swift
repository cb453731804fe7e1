import Foundation

/// A customer reviewed an item of an order.
///
/// The CloudEvent `data` of ``EventType/reviewSubmitted`` (`review.submitted`).
public struct ReviewSubmitted: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The reviewer.
    public var customerId: String
    /// The item reviewed.
    public var sku: String
    /// Stars, 1 to 5.
    public var rating: Int

    /// Creates the payload field by field.
    public init(orderId: String, customerId: String, sku: String, rating: Int) {
        self.orderId = orderId
        self.customerId = customerId
        self.sku = sku
        self.rating = rating
    }
}
