import Foundation
import PostPurchaseCore

/// Everything known about one return, whatever order its events arrived in: the request, the
/// decision, the label, the parcel's scans, the inspection and the settlement (refund, store
/// credit or exchange). Each fact is recorded once (the first one wins), and every output is
/// derived from the facts and flagged as done, so a redelivered or duplicated input, or a different
/// arrival order, cannot produce a second output.
public struct ReturnCase: StoredEntity, Equatable {
    public static let namespace = "returns.case"

    /// The approved part of a return line: which units of the order's SKU it takes.
    public struct ApprovedLine: Codable, Sendable, Equatable {
        /// Stock keeping unit.
        public var sku: String
        /// Units approved.
        public var quantity: Int
        /// The customer's reason.
        public var reason: ReturnReason
        /// The index of the first unit of the SKU it takes (units are handed out in order across the
        /// order's returns, so their amounts are fixed at approval).
        public var firstUnit: Int
    }

    /// What the policy decided.
    public struct Decision: Codable, Sendable, Equatable {
        /// Approved lines (empty when everything was rejected).
        public var approved: [ApprovedLine]
        /// Rejected lines and why.
        public var rejected: [ReturnRejected.Item]
        /// The order's shipping handed to this return (the whole order came back).
        public var shippingShare: Int
        /// The amount promised in `return.approved` (before inspection).
        public var estimate: Int
        /// Whether the customer sends the items back with a label (otherwise they keep them).
        public var labelRequired: Bool
        /// When the decision was taken.
        public var decidedAt: Date

        /// Whether anything was approved.
        public var isApproved: Bool { !approved.isEmpty }
    }

    /// The money (or item) the customer gets, once.
    public struct Settlement: Codable, Sendable, Equatable {
        /// Where a refund stands.
        public enum Status: String, Codable, Sendable {
            /// `refund.requested` was emitted; waiting for the payment service.
            case requested
            /// `refund.completed` arrived.
            case completed
            /// `refund.failed` arrived (a later `refund.completed` still completes it).
            case failed
            /// Store credit or exchange issued; nothing to wait for.
            case issued
            /// Nothing was due (zero amount, or the order was cancelled).
            case nothingDue = "nothing_due"
        }

        /// The resolution.
        public var resolution: ReturnResolution
        /// `refundId`, `creditId` or the exchange id.
        public var id: String
        /// The amount requested or credited (minor units; 0 for an exchange).
        public var amount: Int
        /// The store-credit bonus.
        public var bonus: Int
        /// Where it stands.
        public var status: Status
        /// The amount the payment service confirmed.
        public var confirmedAmount: Int?
        /// Why the payment service failed it.
        public var failure: String?
        /// When it was settled.
        public var at: Date
    }

    /// The order's id.
    public var orderId: String
    /// The return's id.
    public var returnId: String
    /// The request (the first one; a repeat with a new event id changes nothing).
    public var request: ReturnRequested?
    /// When the customer asked (the event's time, so a late delivery of the event cannot close the window).
    public var requestedAt: Date?
    /// The decision, once the order is known.
    public var decision: Decision?
    /// The label, from `return.label_created`.
    public var label: ReturnLabelCreated?
    /// The return parcel's first carrier scan.
    public var firstScanAt: Date?
    /// When the return parcel was delivered back.
    public var receivedAt: Date?
    /// The return parcel's tracking number as the carrier updates name it.
    public var trackingNumber: String?
    /// The warehouse's inspection (the first one).
    public var inspection: ReturnInspected?
    /// When the inspection arrived.
    public var inspectedAt: Date?
    /// `return.label_requested` was emitted.
    public var labelRequested = false
    /// The customer got the label link.
    public var labelAnnounced = false
    /// `return.received` was emitted.
    public var receivedAnnounced = false
    /// The refund, credit or exchange.
    public var settlement: Settlement?
    /// `refund.issued` was sent to the customer.
    public var refundAnnounced = false
    /// Records waiting for the order or the request; dead-lettered when the wait runs out.
    public var parked: [KafkaRecord] = []

    /// A return known only by id.
    public init(orderId: String, returnId: String) {
        self.orderId = orderId
        self.returnId = returnId
    }

    /// The store key: `<orderId>/<returnId>` (the order's returns share the prefix `<orderId>/`).
    public var key: String { Self.key(orderId: orderId, returnId: returnId) }

    /// The store key of a return.
    public static func key(orderId: String, returnId: String) -> String { "\(orderId)/\(returnId)" }

    /// The carrier has the parcel (or more): a first scan, a delivery back or an inspection.
    public var isScanned: Bool { firstScanAt != nil || receivedAt != nil || inspection != nil }

    /// The parcel is back (delivered to the store, or inspected there).
    public var isReceived: Bool { receivedAt != nil || inspection != nil }

    /// The deterministic refund id of this return.
    public var refundId: String { "refund:\(orderId):\(returnId)" }

    /// The deterministic store-credit id of this return.
    public var creditId: String { "credit:\(orderId):\(returnId)" }

    /// The deterministic exchange id of this return.
    public var exchangeId: String { "exchange:\(orderId):\(returnId)" }
}
