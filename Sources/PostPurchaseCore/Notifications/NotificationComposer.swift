import Foundation
import Mustache
import Synchronization

/// Renders `notification.requested` messages from Mustache templates, in the customer's language
/// and time zone.
///
/// Templates are files `<template-id>.<language>.mustache` (e.g. `shipment.delivered.ar.mustache`,
/// or `shipment.delivered.ar-SA.mustache` for one region). The **first line is the subject**, the
/// rest (after blank lines) is the body; both are Mustache, rendered as plain text (no HTML
/// escaping). The language is chosen by fallback: the customer's full tag (`ar-SA`), then its
/// language (`ar`), then ``fallbackLanguage`` (`en`).
///
/// Every template is read and parsed once, at start-up; a template a worker needs but that is
/// missing in the fallback language, or one that does not parse, stops start-up with the file
/// and the reason, never later at send time.
public struct NotificationComposer: Sendable {
    /// The environment variable naming the templates directory.
    public static let directoryEnvironmentKey = "POSTPURCHASE_TEMPLATES_DIR"
    /// The templates directory when the environment names none, relative to the working directory.
    public static let defaultDirectory = "Config/templates"
    /// The language every required template must exist in.
    public let fallbackLanguage: String
    /// Where the templates were loaded from.
    public let directory: String

    private struct Parsed: Sendable {
        var subject: MustacheTemplate
        var body: MustacheTemplate
    }

    private let templates: [String: Parsed]
    /// Formatters and template choices already worked out, shared by copies of this composer.
    private let memo = Memo()

    /// The template and the message locale chosen for a (template, customer locale).
    private struct Choice: Sendable {
        var parsed: Parsed
        var locale: String
    }

    /// What ``compose(_:)`` would otherwise work out for every message: one formatter per
    /// (locale, zone) and one template choice per (template, locale); customers share a handful of each.
    private final class Memo: Sendable {
        /// Two strings as one key, without building a joined string per message.
        private struct Pair: Hashable {
            var first: String
            var second: String
        }

        private let formatters = Mutex<[Pair: NotificationFormatter]>([:])
        private let choices = Mutex<[Pair: Choice]>([:])

        func formatter(locale: String, timeZone: String) -> NotificationFormatter {
            let key = Pair(first: locale, second: timeZone)
            if let cached = formatters.withLock({ $0[key] }) { return cached }
            let formatter = NotificationFormatter(locale: locale, timeZone: timeZone)
            formatters.withLock { $0[key] = formatter }
            return formatter
        }

        func choice(template: NotificationTemplate, locale: String, orElse make: () throws -> Choice) throws -> Choice {
            let key = Pair(first: template.rawValue, second: locale)
            if let cached = choices.withLock({ $0[key] }) { return cached }
            let choice = try make()
            choices.withLock { $0[key] = choice }
            return choice
        }
    }

    /// Loads every template in `directory` and checks that each of `required` exists in `fallbackLanguage`.
    public init(directory: String, required: [NotificationTemplate], fallbackLanguage: String = "en") throws {
        self.directory = directory
        self.fallbackLanguage = fallbackLanguage
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw NotificationTemplateError(template: directory, reason: "cannot read the templates directory (set \(Self.directoryEnvironmentKey))")
        }
        var templates: [String: Parsed] = [:]
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let name = String(file.dropLast(".mustache".count))
            let path = (directory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw NotificationTemplateError(template: path, reason: "cannot be read as UTF-8")
            }
            templates[name] = try Self.parse(text, path: path)
        }
        for template in required where templates["\(template.rawValue).\(fallbackLanguage)"] == nil {
            throw NotificationTemplateError(
                template: (directory as NSString).appendingPathComponent("\(template.rawValue).\(fallbackLanguage).mustache"),
                reason: "missing (the worker needs template '\(template.rawValue)' at least in '\(fallbackLanguage)')")
        }
        self.templates = templates
    }

    /// Loads from `POSTPURCHASE_TEMPLATES_DIR`, or ``defaultDirectory`` relative to the working directory.
    public static func fromEnvironment(
        required: [NotificationTemplate], environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> NotificationComposer {
        let directory = environment[directoryEnvironmentKey].flatMap { $0.isEmpty ? nil : $0 } ?? defaultDirectory
        return try NotificationComposer(directory: directory, required: required)
    }

    private static func parse(_ text: String, path: String) throws -> Parsed {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        let subjectLine = normalized.prefix { $0 != "\n" }
        let body = normalized.dropFirst(subjectLine.count).trimmingCharacters(in: .whitespacesAndNewlines)
        let subject = subjectLine.trimmingCharacters(in: .whitespaces)
        guard !subject.isEmpty else { throw NotificationTemplateError(template: path, reason: "the first line (the subject) is empty") }
        guard !body.isEmpty else { throw NotificationTemplateError(template: path, reason: "the body (after the subject line) is empty") }
        do {
            let pragma = "{{% CONTENT_TYPE: TEXT}}"
            return Parsed(subject: try MustacheTemplate(string: pragma + subject), body: try MustacheTemplate(string: pragma + body))
        } catch {
            throw NotificationTemplateError(template: path, reason: "not valid Mustache: \(error)")
        }
    }

    /// Whether `template` can be rendered in some language (it exists at least in the fallback language).
    public func hasTemplate(_ template: NotificationTemplate) -> Bool {
        templates["\(template.rawValue).\(fallbackLanguage)"] != nil
    }

    /// The languages tried for `locale`, most specific first: `ar-SA` → `ar-SA`, `ar`, `en`.
    public func languages(for locale: String) -> [String] {
        var candidates: [String] = []
        let tag = locale.replacingOccurrences(of: "_", with: "-")
        if !tag.isEmpty { candidates.append(tag) }
        if let language = tag.split(separator: "-").first.map(String.init), language != tag { candidates.append(language) }
        if !candidates.contains(fallbackLanguage) { candidates.append(fallbackLanguage) }
        return candidates
    }

    /// Renders `draft` into the contract's `notification.requested` data.
    public func compose(_ draft: NotificationDraft) throws -> NotificationRequested {
        try prepare(draft).render()
    }

    /// Chooses the template and locale of `draft` (what can fail) and leaves the rendering to
    /// when the message's event is encoded: a handler emits the result as the event's data, and
    /// the runtime renders it with the batch's other outputs, on every core (``ParallelMap``).
    public func prepare(_ draft: NotificationDraft) throws -> PreparedNotification {
        let choice = try memo.choice(template: draft.template, locale: draft.recipient.locale) {
            let candidates = languages(for: draft.recipient.locale)
            guard let language = candidates.first(where: { templates["\(draft.template.rawValue).\($0)"] != nil }),
                  let parsed = templates["\(draft.template.rawValue).\(language)"]
            else {
                throw NotificationTemplateError(template: draft.template.rawValue, reason: "no template for \(candidates.joined(separator: ", "))")
            }
            // The message is in the customer's locale when its language was found, otherwise in the fallback.
            let sameLanguage = language.split(separator: "-").first == draft.recipient.locale.split(separator: "-").first
            return Choice(parsed: parsed, locale: sameLanguage ? draft.recipient.locale : language)
        }
        return PreparedNotification(
            draft: draft, subject: choice.parsed.subject, body: choice.parsed.body, locale: choice.locale,
            formatter: memo.formatter(locale: choice.locale, timeZone: draft.recipient.timeZone))
    }

    /// A message whose template and locale are chosen, rendered on ``render()`` (or when encoded,
    /// as the `notification.requested` data it renders to).
    public struct PreparedNotification: Encodable, Sendable {
        fileprivate let draft: NotificationDraft
        fileprivate let subject: MustacheTemplate
        fileprivate let body: MustacheTemplate
        /// The locale the message is rendered in (the customer's, or the fallback language).
        public let locale: String
        fileprivate let formatter: NotificationFormatter

        /// The notification's id (the `notification.requested` event's id), known before rendering.
        public var notificationId: String { "ntf:" + draft.cause }
        /// The order the message is about, if any.
        public var orderId: String? { draft.orderId }

        /// The contract's `notification.requested` data.
        public func render() -> NotificationRequested {
            var values = draft.values
            if values["customerName"] == nil, let name = draft.recipient.name, !name.isEmpty { values["customerName"] = .text(name) }
            let context = formatter.context(values)
            return NotificationRequested(
                notificationId: notificationId, customerId: draft.recipient.customerId, orderId: draft.orderId,
                template: draft.template, category: draft.category, channels: draft.recipient.channels, locale: locale,
                subject: NotificationComposer.trimmed(subject.render(context)[...]), body: NotificationComposer.tidy(body.render(context)),
                sendAt: draft.sendAt, data: values.mapValues(\.json))
        }

        public func encode(to encoder: any Encoder) throws {
            try render().encode(to: encoder)
        }
    }

    /// Drops the blank lines that false sections leave: leading and trailing ones, and repeats.
    fileprivate static func tidy(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var pendingBlank = false
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if isBlank(line) {
                pendingBlank = !result.isEmpty
                continue
            }
            if !result.isEmpty { result += pendingBlank ? "\n\n" : "\n" }
            result += Substring(line)
            pendingBlank = false
        }
        return result
    }

    /// Whether a line holds only whitespace; bytes first, characters only for non-ASCII text.
    private static func isBlank(_ line: Substring.UTF8View) -> Bool {
        for byte in line {
            switch byte {
            case 0x20, 0x09, 0x0B, 0x0C, 0x0D: continue
            case 0..<0x80: return false
            default: return Substring(line).allSatisfy(\.isWhitespace)
            }
        }
        return true
    }

    /// `text` without leading and trailing whitespace. (Foundation's `trimmingCharacters(in:)`
    /// bridges through `NSString`, which was a tenth of a message's rendering time.)
    static func trimmed(_ text: Substring) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(text[first...last])
    }
}
