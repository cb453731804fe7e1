import Foundation
import PostPurchaseCore

/// The quiet hours as minutes of the local day, and the rule that moves a send time out of them.
///
/// Local times come from Foundation's `Calendar` in the customer's IANA zone, so a night that
/// is 23 or 25 hours long (a DST change) still ends at the configured local time.
public struct QuietWindow: Sendable, Equatable {
    /// Start, minutes after local midnight.
    public let start: Int
    /// End, minutes after local midnight.
    public let end: Int

    /// The window of `policy`; throws ``PostPurchaseCore/ConfigurationError`` for a malformed time.
    public init(_ policy: FollowupPolicy) throws {
        start = try Self.minutes(policy.quietHours.start, key: "followup.quietHours.start")
        end = try Self.minutes(policy.quietHours.end, key: "followup.quietHours.end")
    }

    static func minutes(_ text: String, key: String) throws -> Int {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0..<24).contains(hour), (0..<60).contains(minute)
        else { throw ConfigurationError(key: key, reason: "'\(text)' is not a time of day HH:mm (00:00–23:59)") }
        return hour * 60 + minute
    }

    /// Whether `minute` (of the local day) is inside the window.
    public func contains(minuteOfDay minute: Int) -> Bool {
        if start == end { return false }
        return start < end ? (minute >= start && minute < end) : (minute >= start || minute < end)
    }

    /// `time` itself when it is outside the quiet hours in `calendar`'s zone, else the next end of them.
    public func sendTime(for time: Date, calendar: Calendar) -> Date {
        let parts = calendar.dateComponents([.hour, .minute], from: time)
        guard contains(minuteOfDay: (parts.hour ?? 0) * 60 + (parts.minute ?? 0)) else { return time }
        let wanted = DateComponents(hour: end / 60, minute: end % 60, second: 0)
        return calendar.nextDate(after: time, matching: wanted, matchingPolicy: .nextTime) ?? time
    }

    /// A Gregorian calendar in `zone` (UTC when the name is unknown).
    public static func calendar(zone: String) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
        return calendar
    }
}
