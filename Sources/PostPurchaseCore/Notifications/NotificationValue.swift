import Foundation

/// A value inserted into a notification template, formatted for the customer when rendered.
///
/// Dates are shown in the customer's time zone and language; in right-to-left languages every
/// inserted value that contains Latin letters or digits is wrapped in Unicode bidi isolates
/// (U+2068 FIRST STRONG ISOLATE … U+2069 POP DIRECTIONAL ISOLATE) so that a tracking number or a
/// link cannot reorder the Arabic sentence around it.
public enum NotificationValue: Sendable, Equatable {
    /// Text shown as is (names, tracking numbers, links).
    case text(String)
    /// A calendar day, e.g. "Thursday, 6 March" / "الخميس، ٦ مارس".
    case date(Date)
    /// A day and a time of day.
    case dateTime(Date)
    /// A whole number, in the locale's digits.
    case number(Int)
    /// A condition for a `{{#name}}…{{/name}}` section.
    case flag(Bool)
    /// Nested values, for a section that reads several of them (`{{#parcel}}{{number}}{{/parcel}}`).
    case group([String: NotificationValue])

    /// The value as it appears in the notification's `data` (dates in RFC 3339).
    public var json: JSONValue {
        switch self {
        case .text(let text): .string(text)
        case .date(let date), .dateTime(let date): .string(RFC3339.format(date))
        case .number(let number): .number(Double(number))
        case .flag(let flag): .bool(flag)
        case .group(let values): .object(values.mapValues(\.json))
        }
    }
}
