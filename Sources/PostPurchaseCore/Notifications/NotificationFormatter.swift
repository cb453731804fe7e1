import Foundation

/// Turns ``NotificationValue``s into the strings a template shows, for one locale and time zone.
struct NotificationFormatter {
    let locale: Locale
    let timeZone: TimeZone
    /// Right-to-left languages get bidi isolates around Latin and numeric inserts.
    let isRightToLeft: Bool

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
        // Regional calendars (e.g. ar-SA's Umm al-Qura) are not what parcel dates are quoted in.
        // Date.FormatStyle reuses its ICU formatter across calls (a DateFormatter per message cost ~1 ms).
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = timeZone
        let day = Date.FormatStyle(date: nil, time: nil, locale: locale, calendar: gregorian, timeZone: timeZone)
            .weekday(.wide).day().month(.wide)
        return date.formatted(withTime ? day.hour().minute() : day)
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
