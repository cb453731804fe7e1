import Foundation
import PostPurchaseCore

/// One planned customer message and its whole life: when it falls due, what it is about, and
/// every decision taken on it (scheduled, deferred, sent, skipped, cancelled, and why).
///
/// Stored under `<orderId>|<template>|<part>`, so an order's follow-ups are one key range: that
/// is what `postpurchase why ORDER_ID` prints and what a cancellation walks.
public struct Followup: StoredEntity, Equatable {
    public static let namespace = "followup.followup"

    /// Its store key.
    public var key: String
    /// What it is.
    public var kind: FollowupKind
    /// The order.
    public var orderId: String
    /// The recipient.
    public var customerId: String
    /// The parcel it is about (per-parcel follow-ups).
    public var shipmentId: String?
    /// The items it is about, in purchase order; a review for one of them removes it.
    public var skus: [String]
    /// The suggested SKU of a cross-sell.
    public var suggestSku: String?
    /// When it falls due by the table (from the events' own times).
    public var dueAt: Date
    /// When its timer fires now (``dueAt`` or a deferral); `nil` without a timer.
    public var fireAt: Date?
    /// Where it is in its life.
    public var status: FollowupStatus
    /// The `sendAt` it was handed over with.
    public var sendAt: Date?
    /// Every decision, oldest first.
    public var life: [FollowupLifeEvent]

    /// The store key of a follow-up of `kind` about `part` (a shipment id, a SKU, or nothing for one per order).
    public static func key(orderId: String, kind: FollowupKind, part: String?) -> String {
        "\(orderId)|\(kind.rawValue)" + (part.map { "|\($0)" } ?? "")
    }

    /// The durable timer's id.
    public var timerId: String { "followup:\(key)" }

    /// What caused its message, unique per message; the `notificationId` is `ntf:` + this.
    public var cause: String { key.replacingOccurrences(of: "|", with: ":") }

    /// A new follow-up, not yet scheduled.
    public init(key: String, kind: FollowupKind, orderId: String, customerId: String, shipmentId: String?, skus: [String], dueAt: Date) {
        self.key = key
        self.kind = kind
        self.orderId = orderId
        self.customerId = customerId
        self.shipmentId = shipmentId
        self.skus = skus
        self.dueAt = dueAt
        self.status = .scheduled
        self.life = []
    }

    /// Moves it to `status`, remembering when and why.
    mutating func record(_ status: FollowupStatus, at time: Date, _ reason: String) {
        self.status = status
        life.append(FollowupLifeEvent(at: time, status: status, reason: reason))
    }
}
