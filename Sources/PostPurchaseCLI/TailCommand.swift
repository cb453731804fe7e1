import ArgumentParser
import Foundation
import PostPurchaseCore

/// `postpurchase tail`: a topic as readable lines.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Print a topic's records as readable lines (CloudEvents by type and id, dead letters with their reason).")

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Topic (contract names get the configured prefix).")
    var topic: String

    @Flag(help: "Keep printing new records until interrupted.")
    var follow = false

    @Option(help: "Stop after this many records.")
    var max: Int?

    @Flag(help: "Print each record's full value instead of a summary.")
    var full = false

    func run() async throws {
        let configuration = try cluster.load()
        let name = ClusterOptions.physical(topic, configuration)
        let admin = try KafkaAdmin(properties: configuration.clientProperties(), logger: cliLogger())
        guard let partitions = try admin.topics()[name] else {
            throw ValidationError("topic '\(name)' does not exist")
        }
        var printed = 0
        var starts: [TopicPartition: Int64] = [:]
        let reader = try KafkaTopicReader(properties: configuration.clientProperties(), logger: cliLogger())
        for partition in 0..<partitions {
            let tp = TopicPartition(topic: name, partition: partition)
            starts[tp] = try reader.watermarks(tp).low
        }
        repeat {
            var ranges: [TopicPartition: Range<Int64>] = [:]
            for (tp, start) in starts {
                let high = try reader.watermarks(tp).high
                if high > start { ranges[tp] = start..<high }
            }
            let records = try reader.read(ranges).sorted { ($0.timestampMilliseconds ?? 0, $0.offset) < ($1.timestampMilliseconds ?? 0, $1.offset) }
            for (tp, range) in ranges { starts[tp] = range.upperBound }
            for record in records {
                print(Self.line(record, full: full))
                printed += 1
                if let max, printed >= max { return }
            }
            fflush(nil)
            if follow { try await Task.sleep(for: .milliseconds(500)) }
        } while follow
    }

    /// One readable line for a record.
    static func line(_ record: KafkaRecord, full: Bool) -> String {
        var line = "\(record.topic)[\(record.partition)]@\(record.offset) key=\(record.keyText ?? "-")"
        if let error = record.headers.text("dlq-error") {
            line += " DEAD-LETTER from \(record.headers.text("dlq-topic") ?? "?")[\(record.headers.text("dlq-partition") ?? "?")]@\(record.headers.text("dlq-offset") ?? "?") by \(record.headers.text("dlq-worker") ?? "?"): \(error)"
        } else if let event = try? CloudEventCodec.decode(record) {
            line += " \(event.type) id=\(event.id) time=\(RFC3339.format(event.time))"
        } else {
            line += " (raw)"
        }
        let value = record.value.map { String(decoding: $0, as: UTF8.self) } ?? "null"
        line += " " + (full || value.count <= 160 ? value : String(value.prefix(157)) + "...")
        return line.replacingOccurrences(of: "\n", with: " ")
    }
}
