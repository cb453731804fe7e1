import Foundation
import PostPurchaseCore

/// Every shipment dispatched with one tracking number (carriers recycle numbers), for correlation.
public struct TrackingNumberIndex: StoredEntity, Equatable {
    public static let namespace = "tracking.number"

    /// One shipment that used the number.
    public struct Entry: Codable, Sendable, Equatable {
        /// The carrier the store named.
        public var carrier: String
        /// The shipment's store key (``Shipment/key``).
        public var shipmentKey: String
        /// When it was dispatched.
        public var dispatchedAt: Date

        /// Creates an entry.
        public init(carrier: String, shipmentKey: String, dispatchedAt: Date) {
            self.carrier = carrier
            self.shipmentKey = shipmentKey
            self.dispatchedAt = dispatchedAt
        }
    }

    /// The shipments, in the order they were dispatched.
    public var entries: [Entry]

    /// An index with `entries`.
    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The store key of a tracking number (carriers differ in case and spacing; numbers do not).
    public static func key(_ trackingNumber: String) -> String {
        trackingNumber.uppercased().filter { !$0.isWhitespace }
    }

    /// The shipment a carrier update at `time` belongs to: among the entries of a matching carrier
    /// whose window (`dispatchedAt - lead` … `dispatchedAt + window`) holds `time`, the latest dispatched.
    public func match(carrier: String, at time: Date, lead: TimeInterval, window: TimeInterval) -> Entry? {
        entries
            .filter { Self.sameCarrier($0.carrier, carrier) }
            .filter { time >= $0.dispatchedAt.addingTimeInterval(-lead) && time <= $0.dispatchedAt.addingTimeInterval(window) }
            .max { $0.dispatchedAt < $1.dispatchedAt }
    }

    /// Whether two carrier names mean the same carrier (`USPS` = `usps`, `dhl` ≈ `dhl_express`);
    /// an empty name matches any.
    public static func sameCarrier(_ lhs: String, _ rhs: String) -> Bool {
        let a = normalise(lhs), b = normalise(rhs)
        if a.isEmpty || b.isEmpty { return true }
        return a == b || a.hasPrefix(b) || b.hasPrefix(a)
    }

    private static func normalise(_ carrier: String) -> String {
        String(carrier.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}
