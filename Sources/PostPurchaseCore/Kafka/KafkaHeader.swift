/// One Kafka record header. Values are bytes; most of ours are UTF-8 text.
public struct KafkaHeader: Sendable, Hashable, Codable {
    /// Header name, e.g. `ce_type` or `dlq-error`.
    public var name: String
    /// Raw header value; `nil` is a header with a null value.
    public var value: [UInt8]?

    /// A header with raw bytes.
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    /// A header with a UTF-8 text value.
    public init(name: String, text: String) {
        self.name = name
        self.value = Array(text.utf8)
    }

    /// The value read as UTF-8 text, when there is one.
    public var text: String? { value.map { String(decoding: $0, as: UTF8.self) } }
}

extension Array where Element == KafkaHeader {
    /// The text of the first header with this name (header names compare exactly, as in Kafka).
    public func text(_ name: String) -> String? {
        first(where: { $0.name == name })?.text
    }
}
