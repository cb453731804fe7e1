/// ISO 4217 minor units: how many minor units make one whole currency unit, so "1 point per
/// whole unit" is right for SAR (100 halalas), KWD (1000 fils) and JPY (no minor unit) alike.
public enum CurrencyExponent {
    /// Currencies with no minor unit.
    static let zero: Set<String> = ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"]
    /// Currencies with three decimals.
    static let three: Set<String> = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]

    /// Minor units per whole unit of `currency` (100 unless ISO 4217 says otherwise).
    public static func minorUnitsPerUnit(_ currency: String) -> Int {
        if zero.contains(currency) { return 1 }
        if three.contains(currency) { return 1_000 }
        return 100
    }
}
