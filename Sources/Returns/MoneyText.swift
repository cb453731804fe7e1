import PostPurchaseCore

/// Writes an amount of money for a customer message: major units with the currency's ISO 4217
/// decimals and the currency code (`129.99 SAR`, `1500 JPY`, `12.345 KWD`).
///
/// Plain integer arithmetic, no formatter per message; in Arabic messages the composer isolates the
/// text (Latin letters and digits) so it cannot reorder the sentence around it.
public enum MoneyText {
    /// Currencies whose minor unit is not 1/100 (ISO 4217 exponent).
    static let exponents: [String: Int] = [
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
        "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    ]

    /// `amount` minor units of `currency` as text.
    public static func format(_ amount: Int, currency: String) -> String {
        let exponent = exponents[currency] ?? 2
        let sign = amount < 0 ? "-" : ""
        let magnitude = amount.magnitude
        guard exponent > 0 else { return "\(sign)\(magnitude) \(currency)" }
        var scale: UInt = 1
        for _ in 0..<exponent { scale *= 10 }
        var fraction = String(magnitude % scale)
        while fraction.count < exponent { fraction = "0" + fraction }
        return "\(sign)\(magnitude / scale).\(fraction) \(currency)"
    }

    /// `money` as text.
    public static func format(_ money: Money) -> String { format(money.amount, currency: money.currency) }
}
