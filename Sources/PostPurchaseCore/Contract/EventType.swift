/// The CloudEvent `type` strings of contract v1.
public enum EventType {
    // Inputs on `orders`.
    /// `order.paid`.
    public static let orderPaid = "order.paid"
    /// `order.cancelled`.
    public static let orderCancelled = "order.cancelled"
    /// `shipment.dispatched`.
    public static let shipmentDispatched = "shipment.dispatched"
    /// `return.requested`.
    public static let returnRequested = "return.requested"
    /// `return.label_created`.
    public static let returnLabelCreated = "return.label_created"
    /// `return.inspected`.
    public static let returnInspected = "return.inspected"
    /// `refund.completed`.
    public static let refundCompleted = "refund.completed"
    /// `refund.failed`.
    public static let refundFailed = "refund.failed"
    /// `review.submitted`.
    public static let reviewSubmitted = "review.submitted"
    /// `customer.preferences.updated`.
    public static let customerPreferencesUpdated = "customer.preferences.updated"
    // Input on `carrier-events` (besides the raw webhook formats).
    /// `tracking.updated`.
    public static let trackingUpdated = "tracking.updated"
    // Outputs on `shipment-updates`.
    /// `shipment.status_changed`.
    public static let shipmentStatusChanged = "shipment.status_changed"
    /// `shipment.delivered`.
    public static let shipmentDelivered = "shipment.delivered"
    /// `shipment.delayed`.
    public static let shipmentDelayed = "shipment.delayed"
    /// `order.delivered`.
    public static let orderDelivered = "order.delivered"
    // Output on `notifications`.
    /// `notification.requested`.
    public static let notificationRequested = "notification.requested"
    // Outputs on `return-updates`.
    /// `return.approved`.
    public static let returnApproved = "return.approved"
    /// `return.rejected`.
    public static let returnRejected = "return.rejected"
    /// `return.label_requested`.
    public static let returnLabelRequested = "return.label_requested"
    /// `return.received`.
    public static let returnReceived = "return.received"
    /// `refund.requested`.
    public static let refundRequested = "refund.requested"
    /// `storecredit.issued`.
    public static let storeCreditIssued = "storecredit.issued"
    /// `exchange.requested`.
    public static let exchangeRequested = "exchange.requested"
    // Outputs on `loyalty-updates`.
    /// `loyalty.points_changed`.
    public static let loyaltyPointsChanged = "loyalty.points_changed"
    /// `loyalty.tier_changed`.
    public static let loyaltyTierChanged = "loyalty.tier_changed"
}
