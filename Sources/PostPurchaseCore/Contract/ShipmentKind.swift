/// Whether a shipment goes to the customer or back to the store.
public enum ShipmentKind: String, Codable, Sendable, CaseIterable {
    /// From the store to the customer (`shipment.dispatched`).
    case outbound
    /// From the customer back to the store (`return.label_created`); `shipmentId` holds the returnId.
    case `return`
}
