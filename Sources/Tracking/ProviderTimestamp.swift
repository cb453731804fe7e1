import Foundation
import PostPurchaseCore

/// Reads the timestamps providers send, which are not all RFC 3339 with an offset.
enum ProviderTimestamp {
    /// RFC 3339 with an offset; a date-time without one is read as UTC; a bare date as noon UTC
    /// (so it stays on the same calendar day in every zone from UTC−11 to UTC+11).
    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        // Nearly every timestamp is already RFC 3339: parse before trimming (Foundation's trimming
        // bridges through NSString, a noticeable share of a carrier update's cost).
        if let date = RFC3339.parse(text) { return date }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if trimmed != text, let date = RFC3339.parse(trimmed) { return date }
        return parseWithoutOffset(trimmed)
    }

    private static func parseWithoutOffset(_ text: String) -> Date? {
        if hasNoOffset(text), let date = RFC3339.parse(text + "Z") { return date }
        if text.count == 10, let date = RFC3339.parse(text + "T12:00:00Z") { return date }
        return nil
    }

    /// Whether `text` is a date-time that names its offset (`Z` or `±hh:mm`).
    static func hasOffset(_ text: String?) -> Bool {
        guard let text else { return false }
        return RFC3339.parse(text) != nil
    }

    private static func hasNoOffset(_ text: String) -> Bool {
        text.count >= 19 && !text.hasSuffix("Z") && !text.hasSuffix("z")
    }
}
