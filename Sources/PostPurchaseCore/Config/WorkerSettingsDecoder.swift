import Foundation
import Yams

/// Decodes a worker's own section of the configuration file (`tracking:`, `followup:`, `returns:`,
/// `loyalty:`) onto that worker's settings type.
///
/// The section is deep-merged over the encoded defaults, so a file names only what it changes;
/// the result is decoded by type (so `"21:00"` stays a string), and every key the file names must
/// exist in the decoded settings: a typo stops start-up naming the key path instead of silently
/// falling back to a default.
public enum WorkerSettingsDecoder {
    /// `defaults` with the YAML `section` text (a mapping) applied; errors name `prefix.key.path`.
    public static func decode<T: Codable>(_ defaults: T, section text: String?, prefix: String) throws -> T {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return defaults }
        let overrides: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { return defaults }
            overrides = node
        } catch {
            throw ConfigurationError(key: prefix, reason: "not valid YAML: \(error)")
        }
        if case .scalar(let scalar) = overrides, ["", "~", "null"].contains(scalar.string) { return defaults }
        guard overrides.mapping != nil else { throw ConfigurationError(key: prefix, reason: "must be a mapping of settings") }
        let base = try node(of: defaults, prefix: prefix)
        let merged = merge(overrides, over: base)
        let decoded: T
        do {
            decoded = try YAMLDecoder().decode(T.self, from: merged)
        } catch let error as DecodingError {
            throw configurationError(error, prefix: prefix)
        }
        try rejectUnknownKeys(in: overrides, known: try node(of: decoded, prefix: prefix), path: prefix)
        return decoded
    }

    private static func node<T: Encodable>(of value: T, prefix: String) throws -> Node {
        guard let node = try Yams.compose(yaml: try YAMLEncoder().encode(value)) else {
            throw ConfigurationError(key: prefix, reason: "the defaults encode to nothing")
        }
        return node
    }

    /// Mappings merge key by key; anything else in `overrides` replaces the base value.
    private static func merge(_ overrides: Node, over base: Node) -> Node {
        guard var result = base.mapping, let changes = overrides.mapping else { return overrides }
        for (key, value) in changes {
            result[key] = result[key].map { merge(value, over: $0) } ?? value
        }
        return .mapping(result)
    }

    private static func rejectUnknownKeys(in given: Node, known: Node, path: String) throws {
        switch (given, known) {
        case (.mapping(let givenMapping), .mapping(let knownMapping)):
            for (key, value) in givenMapping {
                let name = key.string ?? "\(key)"
                guard let knownValue = knownMapping[key] else {
                    let choices = knownMapping.keys.compactMap(\.string).sorted().joined(separator: ", ")
                    throw ConfigurationError(key: "\(path).\(name)", reason: "unknown key (known here: \(choices))")
                }
                try rejectUnknownKeys(in: value, known: knownValue, path: "\(path).\(name)")
            }
        case (.sequence(let givenItems), .sequence(let knownItems)):
            for (index, item) in givenItems.enumerated() where index < knownItems.count {
                try rejectUnknownKeys(in: item, known: knownItems[index], path: "\(path)[\(index)]")
            }
        default:
            return
        }
    }

    private static func configurationError(_ error: DecodingError, prefix: String) -> ConfigurationError {
        func key(_ path: [any CodingKey]) -> String {
            path.reduce(prefix) { text, key in
                key.intValue.map { "\(text)[\($0)]" } ?? "\(text).\(key.stringValue)"
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            return ConfigurationError(key: key(context.codingPath), reason: "must be \(readable(type))")
        case .valueNotFound(let type, let context):
            return ConfigurationError(key: key(context.codingPath), reason: "must be \(readable(type)), not empty")
        case .keyNotFound(let missing, let context):
            return ConfigurationError(key: key(context.codingPath + [missing]), reason: "is required")
        case .dataCorrupted(let context):
            return ConfigurationError(key: key(context.codingPath), reason: context.debugDescription)
        @unknown default:
            return ConfigurationError(key: prefix, reason: "\(error)")
        }
    }

    private static func readable(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a \(type)"
        }
    }
}
