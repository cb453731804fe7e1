import Foundation

/// An output record written in the same transaction as the state change that caused it, and
/// published afterwards by the relay (transactional outbox).
public struct OutboxRecord: Sendable, Equatable {
    /// Store-assigned order of writing; 0 before it is stored.
    public var sequence: Int64
    /// The input partition whose processing produced it.
    public var source: TopicPartition
    /// Unique id of this output (the CloudEvent id, or a dead-letter id), also sent as a header
    /// so the relay can recognise it on the topic after a crash.
    public var outputId: String
    public var topic: String
    public var partition: Int32
    public var key: [UInt8]?
    /// `nil` for a null value (a dead-lettered tombstone keeps its null).
    public var value: Data?
    public var headers: [KafkaHeader]

    public init(sequence: Int64 = 0, source: TopicPartition, outputId: String, topic: String, partition: Int32,
                key: [UInt8]?, value: Data?, headers: [KafkaHeader]) {
        self.sequence = sequence
        self.source = source
        self.outputId = outputId
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// The header that carries ``outputId`` on the published record.
    public static let outputIdHeader = "postpurchase-output-id"

    /// The record as it goes to Kafka.
    var outbound: KafkaOutboundRecord {
        KafkaOutboundRecord(topic: topic, partition: partition, key: key, value: value, headers: headers)
    }
}

/// A compact length-prefixed encoding of headers for storage (names and values are arbitrary bytes).
enum HeaderCoding {
    static func encode(_ headers: [KafkaHeader]) -> Data {
        var data = Data()
        func put(_ value: Int32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        put(Int32(headers.count))
        for header in headers {
            let name = Array(header.name.utf8)
            put(Int32(name.count))
            data.append(contentsOf: name)
            if let value = header.value {
                put(Int32(value.count))
                data.append(contentsOf: value)
            } else {
                put(-1)
            }
        }
        return data
    }

    static func decode(_ data: Data) -> [KafkaHeader] {
        let bytes = [UInt8](data)
        var index = 0
        func take() -> Int32? {
            guard index + 4 <= bytes.count else { return nil }
            let value = Int32(bytes[index]) | Int32(bytes[index + 1]) << 8 | Int32(bytes[index + 2]) << 16 | Int32(bytes[index + 3]) << 24
            index += 4
            return value
        }
        guard let count = take(), count >= 0 else { return [] }
        var headers: [KafkaHeader] = []
        for _ in 0..<count {
            guard let nameLength = take(), nameLength >= 0, index + Int(nameLength) <= bytes.count else { break }
            let name = String(decoding: bytes[index..<(index + Int(nameLength))], as: UTF8.self)
            index += Int(nameLength)
            guard let valueLength = take() else { break }
            if valueLength < 0 {
                headers.append(KafkaHeader(name: name, value: nil))
            } else {
                guard index + Int(valueLength) <= bytes.count else { break }
                headers.append(KafkaHeader(name: name, value: Array(bytes[index..<(index + Int(valueLength))])))
                index += Int(valueLength)
            }
        }
        return headers
    }
}
