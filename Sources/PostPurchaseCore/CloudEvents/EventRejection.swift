/// Why an input cannot be processed: it goes to the dead-letter topic with this reason and the
/// worker moves on. Throw it from a handler for input that is well-formed but unacceptable.
public struct EventRejection: Error, Sendable, CustomStringConvertible, Equatable {
    /// A stable machine-readable class of the problem (used as a metric label).
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The value is empty or null (a tombstone).
        public static let emptyValue = Code(rawValue: "empty-value")
        /// The value is not JSON.
        public static let notJSON = Code(rawValue: "not-json")
        /// The record is not a CloudEvent in either content mode.
        public static let notCloudEvent = Code(rawValue: "not-cloudevent")
        /// A CloudEvents attribute is missing or invalid.
        public static let invalidEnvelope = Code(rawValue: "invalid-envelope")
        /// The event's data misses a required field or has a wrong type.
        public static let invalidData = Code(rawValue: "invalid-data")
        /// The domain logic refuses the event (e.g. an unknown tracking number).
        public static let rejected = Code(rawValue: "rejected")
        /// The handler failed repeatedly on this record.
        public static let handlerFailed = Code(rawValue: "handler-failed")
    }

    /// The field at fault, as a JSON path (`data.items[0].quantity`), when there is one.
    public var field: String?
    /// What is wrong, in plain words.
    public var reason: String
    public var code: Code

    /// A rejection about one field.
    public init(field: String?, reason: String, code: Code = .rejected) {
        self.field = field
        self.reason = reason
        self.code = code
    }

    /// The text of the `dlq-error` header: `code: field: reason`.
    public var description: String {
        if let field { return "\(code): \(field): \(reason)" }
        return "\(code): \(reason)"
    }
}

extension EventRejection {
    /// A rejection describing a `DecodingError`: which field, and why.
    init(decoding error: DecodingError, prefix: String, code: Code) {
        func path(_ codingPath: [any CodingKey]) -> String {
            var text = prefix
            for key in codingPath {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text.isEmpty ? "(value)" : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath + [key]), reason: "required field is missing", code: code)
        case .valueNotFound(_, let context):
            self.init(field: path(context.codingPath), reason: "is null but a value is required", code: code)
        case .typeMismatch(let type, let context):
            self.init(field: path(context.codingPath), reason: "expected \(Self.typeName(type))", code: code)
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                self.init(field: nil, reason: "value is not valid JSON", code: .notJSON)
            } else {
                self.init(field: path(context.codingPath), reason: context.debugDescription, code: code)
            }
        @unknown default:
            self.init(field: nil, reason: "\(error)", code: code)
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "a boolean"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }
}
