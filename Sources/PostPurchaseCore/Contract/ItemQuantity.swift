import Foundation

/// A SKU and how many units of it.
public struct ItemQuantity: Codable, Sendable, Equatable {
    /// Stock keeping unit, as in `order.paid`.
    public var sku: String
    /// Number of units (at least 1).
    public var quantity: Int

    /// Creates the payload field by field.
    public init(sku: String, quantity: Int) {
        self.sku = sku
        self.quantity = quantity
    }
}
