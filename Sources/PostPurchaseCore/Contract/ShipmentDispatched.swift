import Foundation

/// Fulfilment handed a parcel of an order to a carrier.
///
/// The CloudEvent `data` of ``EventType/shipmentDispatched`` (`shipment.dispatched`).
public struct ShipmentDispatched: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The shipment's id; unique per order.
    public var shipmentId: String
    /// Carrier code, e.g. `smsa`, `usps`.
    public var carrier: String
    /// The carrier's tracking number.
    public var trackingNumber: String
    /// What is in the parcel.
    public var items: [ItemQuantity]
    /// The delivery promise made to the customer.
    public var promisedBy: Date

    /// Creates the payload field by field.
    public init(orderId: String, shipmentId: String, carrier: String, trackingNumber: String, items: [ItemQuantity], promisedBy: Date) {
        self.orderId = orderId
        self.shipmentId = shipmentId
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.items = items
        self.promisedBy = promisedBy
    }
}
