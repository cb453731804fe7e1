import Foundation
import Logging

/// A swift-log handler writing one JSON object per line to standard error, for log shippers.
///
/// swift-log ships only a text handler, and nothing in our dependency set writes JSON lines, so
/// this small one is ours.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in metadata { fields[key] = "\(value)" }
        if let extra = event.metadata { for (key, value) in extra { fields[key] = "\(value)" } }
        var line = "{\"ts\":\"\(RFC3339.format(Date()))\",\"level\":\"\(event.level.rawValue)\",\"logger\":"
        line += Self.quoted(label) + ",\"msg\":" + Self.quoted("\(event.message)")
        if event.source != label && !event.source.isEmpty { line += ",\"source\":" + Self.quoted(event.source) }
        for key in fields.keys.sorted() {
            line += "," + Self.quoted(key) + ":" + Self.quoted(fields[key]!)
        }
        line += "}\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let s where s.value < 0x20: result += String(format: "\\u%04x", s.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
