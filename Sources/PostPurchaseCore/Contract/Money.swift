import Foundation

/// An amount of money in minor units of its currency: SAR 129.99 is `Money(amount: 12999, currency: "SAR")`.
///
/// Decoding checks what the contract requires, so a bad amount is dead-lettered naming its field:
/// the amount is a non-negative integer and the currency an upper-case ISO 4217 code.
public struct Money: Codable, Sendable, Hashable {
    /// The amount in minor units (halalas, cents); never a decimal.
    public var amount: Int
    /// ISO 4217 alphabetic code in upper case, e.g. `SAR`.
    public var currency: String

    /// Creates an amount of money.
    public init(amount: Int, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    private enum CodingKeys: String, CodingKey { case amount, currency }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        amount = try container.decode(Int.self, forKey: .amount)
        currency = try container.decode(String.self, forKey: .currency)
        guard amount >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .amount, in: container, debugDescription: "must not be negative")
        }
        guard currency.utf8.count == 3, currency.utf8.allSatisfy({ (65...90).contains($0) }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .currency, in: container, debugDescription: "'\(currency.prefix(10))' is not an upper-case ISO 4217 code")
        }
    }
}
