import Foundation

/// Turns ``NotificationValue``s into the strings a template shows, for one locale and time zone.
///
/// Building one resolves the locale, the zone and two ICU date formats, which cost more than
/// rendering a message, so ``NotificationComposer`` keeps one per (locale, zone).
struct NotificationFormatter: Sendable {
    let locale: Locale
    let timeZone: TimeZone
    /// Right-to-left languages get bidi isolates around Latin and numeric inserts.
    let isRightToLeft: Bool
    /// "Tuesday 4 March" in the customer's language and zone.
    private let dayStyle: Date.FormatStyle
    /// The same with the time of day.
    private let dayTimeStyle: Date.FormatStyle

    /// First strong isolate: the inserted text takes the direction of its own first strong character.
    static let firstStrongIsolate = "\u{2068}"
    /// Ends an isolate.
    static let popDirectionalIsolate = "\u{2069}"
    static let rightToLeftLanguages: Set<String> = ["ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "sd", "ug"]

    init(locale: String, timeZone: String) {
        self.locale = Locale(identifier: locale)
        self.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let language = locale.split(separator: "-").first.map { $0.lowercased() } ?? ""
        isRightToLeft = Self.rightToLeftLanguages.contains(language)
        // Regional calendars (e.g. ar-SA's Umm al-Qura) are not what parcel dates are quoted in.
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = self.timeZone
        dayStyle = Date.FormatStyle(date: nil, time: nil, locale: self.locale, calendar: gregorian, timeZone: self.timeZone)
            .weekday(.wide).day().month(.wide)
        dayTimeStyle = dayStyle.hour().minute()
    }

    /// The rendering context: strings, Booleans and nested dictionaries, as Mustache reads them.
    func context(_ values: [String: NotificationValue]) -> [String: Any] {
        values.mapValues(render)
    }

    private func render(_ value: NotificationValue) -> Any {
        switch value {
        case .text(let text): isolated(text)
        case .date(let date): isolated(format(date, withTime: false))
        case .dateTime(let date): isolated(format(date, withTime: true))
        case .number(let number): isolated(number.formatted(.number.locale(locale)))
        case .flag(let flag): flag
        case .group(let values): context(values)
        }
    }

    private func format(_ date: Date, withTime: Bool) -> String {
        date.formatted(withTime ? dayTimeStyle : dayStyle)
    }

    /// Wraps `text` in FSI … PDI in right-to-left messages when it holds Latin letters or digits.
    func isolated(_ text: String) -> String {
        guard isRightToLeft, text.unicodeScalars.contains(where: Self.needsIsolation) else { return text }
        return Self.firstStrongIsolate + text + Self.popDirectionalIsolate
    }

    private static func needsIsolation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true  // ASCII digits and Latin letters
        case 0xC0...0x24F: true  // Latin-1 supplement and extended Latin letters
        default: false
        }
    }
}
