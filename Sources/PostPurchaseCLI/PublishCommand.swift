import ArgumentParser
import Foundation
import PostPurchaseCore

/// `postpurchase publish`: a CloudEvent or a raw file to a topic.
struct PublishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish a CloudEvent (built from --type/--data) or a raw file's content to a topic.",
        discussion: """
            Examples:
              postpurchase publish --topic orders --type order.cancelled --data '{"orderId":"o-1"}'
              postpurchase publish --topic carrier-events --file ../shared/carrier-webhooks/easypost_tracker_updated.json
              postpurchase publish --topic orders --file events.jsonl --lines
            A file holding a structured CloudEvent (JSON with "specversion") is sent with the CloudEvents content type.
            Without --key, the key is the data's orderId, customerId or trackingNumber, as the contract keys topics.
            """)

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Topic (contract names get the configured prefix).")
    var topic: String

    @Option(help: "Record key.")
    var key: String?

    @Option(name: .customLong("header"), help: "A header as name=value (repeatable).")
    var headers: [String] = []

    @Option(help: "Send this file's content as the value ('-' for standard input).")
    var file: String?

    @Flag(help: "With --file: each non-empty line is its own record.")
    var lines = false

    @Option(help: "CloudEvent type (builds an event around --data).")
    var type: String?

    @Option(help: "CloudEvent data as JSON.")
    var data: String?

    @Option(help: "CloudEvent id (default: a new UUID).")
    var id: String?

    @Option(help: "CloudEvent source.")
    var source = "postpurchase-cli"

    @Option(help: "CloudEvent subject.")
    var subject: String?

    @Option(help: "CloudEvent time, RFC 3339 (default: now).")
    var time: String?

    @Flag(help: "Send the CloudEvent in binary content mode instead of structured mode.")
    var binary = false

    func validate() throws {
        if file == nil && type == nil { throw ValidationError("give --file, or --type with --data") }
        if file != nil && type != nil { throw ValidationError("--file and --type exclude each other") }
        if type != nil && data == nil { throw ValidationError("--type needs --data") }
        if let time, RFC3339.parse(time) == nil { throw ValidationError("--time '\(time)' is not an RFC 3339 date-time") }
        for header in headers where !header.contains("=") { throw ValidationError("--header '\(header)' is not name=value") }
    }

    func run() async throws {
        let configuration = try cluster.load()
        let topicName = ClusterOptions.physical(topic, configuration)
        let extraHeaders = headers.map { header -> KafkaHeader in
            let parts = header.split(separator: "=", maxSplits: 1)
            return KafkaHeader(name: String(parts[0]), text: parts.count > 1 ? String(parts[1]) : "")
        }
        var values: [(value: Data, headers: [KafkaHeader])] = []
        if let file {
            let content = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            let chunks = lines
                ? content.split(separator: UInt8(ascii: "\n")).map { Data($0) }.filter { !$0.allSatisfy { $0 == 32 || $0 == 13 } }
                : [content]
            for chunk in chunks {
                let isCloudEvent = (try? JSONSerialization.jsonObject(with: chunk) as? [String: Any])?["specversion"] != nil
                let contentType = isCloudEvent ? CloudEventCodec.structuredContentType : "application/json"
                values.append((chunk, [KafkaHeader(name: "content-type", text: contentType)] + extraHeaders))
            }
        } else if let type, let data {
            guard let json = try? JSONDecoder().decode(ExactJSON.self, from: Data(data.utf8)) else {
                throw ValidationError("--data is not valid JSON")
            }
            let event = OutgoingEvent(
                topic: TopicName(topic), key: key ?? "", id: id ?? UUID().uuidString.lowercased(), type: type, source: source,
                subject: subject, time: time.flatMap(RFC3339.parse) ?? Date(), data: json)
            if binary {
                let encoded = try CloudEventCodec.encodeBinary(event)
                values.append((Data(encoded.value), encoded.headers + extraHeaders))
            } else {
                values.append((Data(try CloudEventCodec.encodeStructured(event)),
                               [KafkaHeader(name: "content-type", text: CloudEventCodec.structuredContentType)] + extraHeaders))
            }
        }
        let producer = try KafkaProducer(properties: configuration.producerProperties(workerName: "postpurchase-cli"), logger: cliLogger())
        let partitions = try producer.partitionCount(of: topicName)
        let records = values.map { value, headers -> KafkaOutboundRecord in
            let recordKey = (key ?? Self.derivedKey(value)).map { Array($0.utf8) }
            let partition = recordKey.map { Murmur2Partitioner.partition(for: $0, partitionCount: partitions) } ?? 0
            return KafkaOutboundRecord(topic: topicName, partition: partition, key: recordKey, value: value, headers: headers)
        }
        let reports = try producer.send(records)
        for (record, report) in zip(records, reports) {
            if let error = report.error { throw error }
            print("published \(record.topic)[\(report.partition)]@\(report.offset ?? -1) key=\(record.key.map { String(decoding: $0, as: UTF8.self) } ?? "-")")
        }
    }

    /// The contract's key for a value: orderId, then customerId, then trackingNumber (also inside `data`).
    static func derivedKey(_ value: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: value) as? [String: Any] else { return nil }
        let data = object["data"] as? [String: Any] ?? object
        for name in ["orderId", "customerId", "trackingNumber", "tracking_code", "tracking_number"] {
            if let text = data[name] as? String { return text }
        }
        if let result = object["result"] as? [String: Any], let code = result["tracking_code"] as? String { return code }
        if let msg = object["msg"] as? [String: Any], let code = msg["tracking_number"] as? String { return code }
        return nil
    }
}

/// Any JSON value from `--data`, passed through unchanged. Unlike the core's `JSONValue` it keeps
/// integers exact (money is integer minor units, and `12999` must not come out as `12999.0`).
enum ExactJSON: Codable, Sendable {
    case null, bool(Bool), number(Double), integer(Int64), string(String), array([ExactJSON]), object([String: ExactJSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([ExactJSON].self) { self = .array(value) }
        else { self = .object(try container.decode([String: ExactJSON].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
