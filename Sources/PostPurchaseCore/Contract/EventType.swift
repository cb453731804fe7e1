/// The CloudEvent `type` strings of contract v1.
public enum EventType {
    // Inputs on `orders`.
    public static let orderPaid = "order.paid"
    public static let orderCancelled = "order.cancelled"
    public static let shipmentDispatched = "shipment.dispatched"
    public static let returnRequested = "return.requested"
    public static let returnLabelCreated = "return.label_created"
    public static let returnInspected = "return.inspected"
    public static let refundCompleted = "refund.completed"
    public static let refundFailed = "refund.failed"
    public static let reviewSubmitted = "review.submitted"
    public static let customerPreferencesUpdated = "customer.preferences.updated"
    // Input on `carrier-events` (besides the raw webhook formats).
    public static let trackingUpdated = "tracking.updated"
    // Outputs on `shipment-updates`.
    public static let shipmentStatusChanged = "shipment.status_changed"
    public static let shipmentDelivered = "shipment.delivered"
    public static let shipmentDelayed = "shipment.delayed"
    public static let orderDelivered = "order.delivered"
    // Output on `notifications`.
    public static let notificationRequested = "notification.requested"
    // Outputs on `return-updates`.
    public static let returnApproved = "return.approved"
    public static let returnRejected = "return.rejected"
    public static let returnLabelRequested = "return.label_requested"
    public static let returnReceived = "return.received"
    public static let refundRequested = "refund.requested"
    public static let storeCreditIssued = "storecredit.issued"
    public static let exchangeRequested = "exchange.requested"
    // Outputs on `loyalty-updates`.
    public static let loyaltyPointsChanged = "loyalty.points_changed"
    public static let loyaltyTierChanged = "loyalty.tier_changed"
}
