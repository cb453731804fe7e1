import Foundation
import Logging

/// Reads fixed offset ranges of partitions without joining a group.
///
/// The outbox relay uses it after a crash to see which outputs reached the broker; the CLI's
/// `tail` and the tests use it to read whole topics.
public final class KafkaTopicReader {
    private let consumer: KafkaConsumer

    /// A reader using these client properties (bootstrap servers, security); no group id needed.
    public init(properties: [String: String], logger: Logger) throws {
        var properties = properties
        properties.removeValue(forKey: "group.id")
        properties.removeValue(forKey: "group.instance.id")
        properties.removeValue(forKey: "partition.assignment.strategy")
        properties["group.id"] = "postpurchase-reader-\(UUID().uuidString)"
        self.consumer = try KafkaConsumer(properties: properties, rebalanceListener: nil, logger: logger)
    }

    /// Current low and high watermark of a partition.
    public func watermarks(_ partition: TopicPartition) throws -> (low: Int64, high: Int64) {
        try consumer.queryWatermarks(partition)
    }

    /// Every record in `ranges` (offsets `lowerBound..<upperBound` of each partition), in partition order.
    public func read(_ ranges: [TopicPartition: Range<Int64>], timeout: Duration = .seconds(30)) throws -> [KafkaRecord] {
        let wanted = ranges.filter { !$0.value.isEmpty }
        guard !wanted.isEmpty else { return [] }
        try consumer.assign(wanted.mapValues(\.lowerBound))
        var remaining = Set(wanted.keys)
        var records: [KafkaRecord] = []
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !remaining.isEmpty {
            if ContinuousClock.now > deadline {
                throw KafkaError.client("timed out reading \(remaining.sorted().map(\.description).joined(separator: ", "))", operation: "read back")
            }
            for record in try consumer.poll(maxRecords: 1_000, timeoutMilliseconds: 200) {
                let tp = record.topicPartition
                guard let range = wanted[tp] else { continue }
                if range.contains(record.offset) { records.append(record) }
                if record.offset >= range.upperBound - 1 { remaining.remove(tp) }
            }
        }
        try consumer.assign([:])
        return records
    }

    /// Every record currently in `topic` (all partitions, from the low to the high watermark).
    public func readAll(topic: String, partitionCount: Int32) throws -> [KafkaRecord] {
        var ranges: [TopicPartition: Range<Int64>] = [:]
        for partition in 0..<partitionCount {
            let tp = TopicPartition(topic: topic, partition: partition)
            let marks = try watermarks(tp)
            ranges[tp] = marks.low..<marks.high
        }
        return try read(ranges)
    }
}
