import Foundation
import PostPurchaseCore

/// One loyalty-worker input with its data decoded: what ``LoyaltyProgram`` decides on.
///
/// Decoding needs no state, so the runtime decodes a whole batch on every core before its handlers
/// run (``Worker/prepare(_:)``), and reading ahead and the handler share the one decoded value
/// instead of decoding the JSON twice.
enum LoyaltyInput: Sendable {
    case orderPaid(OrderPaid)
    case orderCancelled(OrderCancelled)
    case preferencesUpdated(CustomerPreferencesUpdated)
    case orderDelivered(OrderDelivered)
    case shipmentDelayed(ShipmentStatusChanged)
    case reviewSubmitted(ReviewSubmitted)
    case returnRequested(ReturnRequested)
    case returnApproved(ReturnApproved)
    case refundRequested(RefundRequested)
    case returnRejected(ReturnRejected)
    case exchangeRequested(ExchangeRequested)
    case refundCompleted(RefundCompleted)
    case storeCreditIssued(StoreCreditIssued)

    /// `event` decoded; `nil` for the event types the loyalty worker ignores. Throws what decoding
    /// its data threw (an ``EventRejection`` naming the field, for data that does not match).
    static func decode(_ event: CloudEvent) throws -> LoyaltyInput? {
        switch event.type {
        case EventType.orderPaid: .orderPaid(try event.decodeData(OrderPaid.self))
        case EventType.orderCancelled: .orderCancelled(try event.decodeData(OrderCancelled.self))
        case EventType.customerPreferencesUpdated: .preferencesUpdated(try event.decodeData(CustomerPreferencesUpdated.self))
        case EventType.orderDelivered: .orderDelivered(try event.decodeData(OrderDelivered.self))
        case EventType.shipmentDelayed: .shipmentDelayed(try event.decodeData(ShipmentStatusChanged.self))
        case EventType.reviewSubmitted: .reviewSubmitted(try event.decodeData(ReviewSubmitted.self))
        case EventType.returnRequested: .returnRequested(try event.decodeData(ReturnRequested.self))
        case EventType.returnApproved: .returnApproved(try event.decodeData(ReturnApproved.self))
        case EventType.refundRequested: .refundRequested(try event.decodeData(RefundRequested.self))
        case EventType.returnRejected: .returnRejected(try event.decodeData(ReturnRejected.self))
        case EventType.exchangeRequested: .exchangeRequested(try event.decodeData(ExchangeRequested.self))
        case EventType.refundCompleted: .refundCompleted(try event.decodeData(RefundCompleted.self))
        case EventType.storeCreditIssued: .storeCreditIssued(try event.decodeData(StoreCreditIssued.self))
        default: nil
        }
    }

    /// The decoded input the runtime prepared for `input` (``LoyaltyWorker/prepare(_:)``), else
    /// decoded now (inputs built by tests and benchmarks come unprepared).
    static func of(_ input: WorkerInput) throws -> LoyaltyInput? {
        if let prepared = input.prepared as? Result<LoyaltyInput?, any Error> { return try prepared.get() }
        guard let event = input.event else { return nil }
        return try decode(event)
    }
}
