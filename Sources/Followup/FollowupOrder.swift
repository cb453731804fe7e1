import Foundation
import PostPurchaseCore

/// What the follow-up worker knows about an order: who bought what, its parcels and what has
/// already been planned for them, so every event can arrive in any order and any number of times.
public struct FollowupOrder: StoredEntity, Equatable {
    public static let namespace = "followup.order"

    /// One line of the order, from `order.paid`.
    public struct Item: Codable, Sendable, Equatable {
        /// Its name as shown to the customer.
        public var name: String
        /// Its category (what setup help, care instructions and cross-sell rules match).
        public var category: String
        /// Days after delivery when it runs out, if it does.
        public var replenishAfterDays: Int?

        /// An item as bought.
        public init(name: String, category: String, replenishAfterDays: Int?) {
            self.name = name
            self.category = category
            self.replenishAfterDays = replenishAfterDays
        }
    }

    /// One outbound parcel: its items (from `shipment.dispatched`) and its delivery.
    public struct Parcel: Codable, Sendable, Equatable {
        /// Units per SKU; `nil` until `shipment.dispatched` was seen.
        public var items: [ItemQuantity]?
        /// When the carrier delivered it (`deliveredAt` of `shipment.delivered`).
        public var deliveredAt: Date?
        /// The reason of the latest `shipment.delayed` before delivery.
        public var delay: DelayReason?
        /// Whether its follow-ups were planned.
        public var planned: Bool

        init() { planned = false }
    }

    /// The order id.
    public var orderId: String
    /// The customer, once `order.paid` was seen.
    public var customerId: String?
    /// When it was paid.
    public var paidAt: Date?
    /// What was bought, by SKU.
    public var items: [String: Item]
    /// SKUs in the order they were bought (for stable messages).
    public var skus: [String]
    /// Parcels by shipment id.
    public var parcels: [String: Parcel]
    /// Shipment ids in the order the worker first heard of them.
    public var parcelIds: [String]
    /// When it was cancelled.
    public var cancelledAt: Date?
    /// Why, as `order.cancelled` said.
    public var cancelReason: String?
    /// The time of the first `return.requested`.
    public var returnRequestedAt: Date?
    /// The returnId of the first `return.requested`.
    public var returnId: String?
    /// SKUs already reviewed.
    public var reviewedSkus: Set<String>
    /// SKUs already covered by each per-item follow-up (so a SKU split across parcels is not asked about twice).
    public var covered: [String: Set<String>]

    /// An order not seen before.
    public init(orderId: String) {
        self.orderId = orderId
        self.items = [:]
        self.skus = []
        self.parcels = [:]
        self.parcelIds = []
        self.reviewedSkus = []
        self.covered = [:]
    }

    /// Whether `order.paid` was seen.
    public var isPaid: Bool { customerId != nil }

    /// The parcel `shipmentId`, created when first heard of.
    mutating func parcel(_ shipmentId: String, _ body: (inout Parcel) -> Void) {
        if parcels[shipmentId] == nil { parcelIds.append(shipmentId) }
        body(&parcels[shipmentId, default: Parcel()])
    }

    /// SKUs already covered by follow-ups of `kind`.
    func covered(_ kind: FollowupKind) -> Set<String> { covered[kind.rawValue] ?? [] }

    /// Marks `skus` as covered by follow-ups of `kind`.
    mutating func cover(_ skus: [String], by kind: FollowupKind) { covered[kind.rawValue, default: []].formUnion(skus) }

    /// Item names of `skus`, in purchase order.
    func names(_ skus: [String]) -> [String] { skus.map { items[$0]?.name ?? $0 } }
}
