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
        // Every carrier event computes this: ASCII numbers (all real ones) skip Unicode case mapping.
        if let ascii = ascii(trackingNumber, { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - 32
            case 0x09...0x0D, UInt8(ascii: " "): nil
            default: byte
            }
        }) { return ascii }
        return trackingNumber.uppercased().filter { !$0.isWhitespace }
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

    /// Lower-cased letters and digits only (`DHL Express` → `dhlexpress`).
    static func normalise(_ carrier: String) -> String {
        // Called for each index entry of each carrier event: ASCII names skip Unicode tables.
        if let ascii = ascii(carrier, { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte + 32
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): byte
            default: nil
            }
        }) { return ascii }
        return String(carrier.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    /// `text` with each byte mapped by `map` (`nil`: dropped), or `nil` if `text` is not all ASCII.
    private static func ascii(_ text: String, _ map: (UInt8) -> UInt8?) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                var count = 0
                for byte in bytes {
                    guard let mapped = map(byte) else { continue }
                    buffer[count] = mapped
                    count += 1
                }
                return count
            }
        }
    }
}
