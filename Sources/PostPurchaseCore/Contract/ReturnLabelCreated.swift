import Foundation

/// The returns portal created a return label; its parcel is tracked as a shipment of kind `return`.
///
/// The CloudEvent `data` of ``EventType/returnLabelCreated`` (`return.label_created`).
public struct ReturnLabelCreated: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The return's id from the returns portal.
    public var returnId: String
    /// Carrier code of the return label.
    public var carrier: String
    /// The return parcel's tracking number.
    public var trackingNumber: String
    /// Where the customer downloads the label.
    public var labelUrl: String

    /// Creates the payload field by field.
    public init(orderId: String, returnId: String, carrier: String, trackingNumber: String, labelUrl: String) {
        self.orderId = orderId
        self.returnId = returnId
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.labelUrl = labelUrl
    }
}
