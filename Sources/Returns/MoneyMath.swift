/// Integer money arithmetic in minor units, with one documented rounding rule per operation.
///
/// - Splitting an amount into parts (``apportion(_:weights:)``) uses the **largest remainder**
///   method: every part gets the floor of its exact share, then the minor units left over go one
///   each to the parts with the largest remainders (ties: the earlier part). The parts always sum
///   exactly to the amount, and the same input always gives the same parts.
/// - A percentage of an amount (``percent(_:of:)``) is rounded **down**. Deductions (restocking,
///   inspection) are computed as a percentage and subtracted, so any rounding favours the customer;
///   the store-credit bonus is a percentage too, so it never exceeds the configured rate.
/// - Products are computed in 128 bits (`multipliedFullWidth`), so no amount × weight overflows.
public enum MoneyMath {
    /// Splits `amount` (≥ 0) in proportion to `weights` (≥ 0, their sum must fit in an `Int`),
    /// largest remainder first. All zero weights give all zero parts.
    public static func apportion(_ amount: Int, weights: [Int]) -> [Int] {
        let total = weights.reduce(0, +)
        guard total > 0, amount > 0 else { return weights.map { _ in 0 } }
        var parts: [Int] = []
        var remainders: [(remainder: Int, index: Int)] = []
        parts.reserveCapacity(weights.count)
        for (index, weight) in weights.enumerated() {
            let (quotient, remainder) = fraction(amount, times: weight, over: total)
            parts.append(quotient)
            remainders.append((remainder, index))
        }
        var left = amount - parts.reduce(0, +)
        // Largest remainder first; among equals the earlier part, so the result is deterministic.
        for entry in remainders.sorted(by: { ($0.remainder, -$0.index) > ($1.remainder, -$1.index) }) where left > 0 {
            parts[entry.index] += 1
            left -= 1
        }
        return parts
    }

    /// `percent`% of `amount`, rounded down.
    public static func percent(_ percent: Int, of amount: Int) -> Int {
        fraction(amount, times: percent, over: 100).quotient
    }

    /// `amount × numerator / denominator`, rounded down, with its remainder (non-negative inputs, denominator > 0).
    public static func fraction(_ amount: Int, times numerator: Int, over denominator: Int) -> (quotient: Int, remainder: Int) {
        let product = amount.multipliedFullWidth(by: numerator)
        // The quotient fits in an Int only below denominator × 2^63; saturate instead of trapping.
        guard product.high * 2 + Int(product.low >> 63) < denominator else { return (Int.max, 0) }
        return denominator.dividingFullWidth(product)
    }
}
