import Foundation
import Logging
import PostPurchaseCore

/// An in-process dev broker with topics, plus helpers to publish and read records, for tests.
public final class DevBrokerFixture: @unchecked Sendable {
    // @unchecked: the broker and producer are used from one test task at a time; librdkafka's
    // mock cluster itself runs on its own thread and is safe to reach over TCP from anywhere.
    public let broker: DevBroker
    public let logger: Logger
    private var producerStorage: KafkaProducer?
    public let partitions: Int32

    /// Starts `brokers` brokers and creates `topics` (plus the contract's topics) with `partitions` each.
    public init(topics: [String] = [], partitions: Int32 = 3, brokers: Int = 1,
                logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        self.logger = logger
        self.partitions = partitions
        broker = try DevBroker(brokers: brokers, logger: logger)
        for topic in Set(TopicName.contractTopics.map(\.rawValue) + topics) {
            try broker.createTopic(topic, partitions: partitions)
        }
    }

    public var bootstrapServers: String { broker.bootstrapServers }

    /// A configuration pointing at this broker, with fast group timings and a temp data directory.
    public func configuration(dataDirectory: String, groupId: String? = nil) -> PostPurchaseConfiguration {
        var configuration = PostPurchaseConfiguration()
        configuration.kafka.bootstrapServers = bootstrapServers
        configuration.kafka.groupId = groupId
        configuration.kafka.sessionTimeoutMs = 6_000
        configuration.kafka.lingerMs = 1
        configuration.kafka.properties["topic.metadata.refresh.interval.ms"] = "1000"
        configuration.runtime.pollIntervalMs = 50
        configuration.store.dataDir = dataDirectory
        return configuration
    }

    private func producer() throws -> KafkaProducer {
        if let producerStorage { return producerStorage }
        let producer = try KafkaProducer(properties: ["bootstrap.servers": bootstrapServers, "linger.ms": "1"], logger: logger)
        producerStorage = producer
        return producer
    }

    /// Publishes records (partition chosen by key, as Kafka's default partitioner would) and waits for the acks.
    public func publish(_ records: [(topic: String, key: String?, value: Data?, headers: [KafkaHeader])]) throws {
        let producer = try producer()
        let outbound = try records.map { record -> KafkaOutboundRecord in
            let count = try producer.partitionCount(of: record.topic)
            let key = record.key.map { Array($0.utf8) }
            let partition = key.map { Murmur2Partitioner.partition(for: $0, partitionCount: count) } ?? 0
            return KafkaOutboundRecord(topic: record.topic, partition: partition, key: key, value: record.value, headers: record.headers)
        }
        for report in try producer.send(outbound) where report.error != nil {
            throw report.error!
        }
    }

    /// Publishes CloudEvents in structured (default) or binary mode.
    public func publish(_ events: [OutgoingEvent], topic: String, binary: Bool = false) throws {
        try publish(events.map { event in
            if binary {
                let encoded = try CloudEventCodec.encodeBinary(event)
                return (topic, event.key, Data(encoded.value), encoded.headers)
            }
            let value = try CloudEventCodec.encodeStructured(event)
            return (topic, event.key, Data(value), [KafkaHeader(name: "content-type", text: CloudEventCodec.structuredContentType)])
        })
    }

    /// Every record currently on `topic`.
    public func records(on topic: String) throws -> [KafkaRecord] {
        let reader = try KafkaTopicReader(properties: ["bootstrap.servers": bootstrapServers], logger: logger)
        return try reader.readAll(topic: topic, partitionCount: partitions)
    }

    /// Waits until `topic` holds at least `count` records (or `timeout` passes) and returns them.
    public func waitForRecords(on topic: String, count: Int, timeout: Duration = .seconds(60)) async throws -> [KafkaRecord] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var records: [KafkaRecord] = []
        while ContinuousClock.now < deadline {
            records = try self.records(on: topic)
            if records.count >= count { return records }
            try await Task.sleep(for: .milliseconds(200))
        }
        return records
    }

    /// The group's committed offsets for every partition of `topic`.
    public func committedOffsets(group: String, topic: String) throws -> [Int32: Int64] {
        let consumer = try KafkaConsumer(properties: ["bootstrap.servers": bootstrapServers, "group.id": group], rebalanceListener: nil, logger: logger)
        let partitions = (0..<self.partitions).map { TopicPartition(topic: topic, partition: $0) }
        var result: [Int32: Int64] = [:]
        for (partition, offset) in try consumer.committed(partitions) { result[partition.partition] = offset }
        return result
    }

    /// The high watermark of every partition of `topic`.
    public func endOffsets(topic: String) throws -> [Int32: Int64] {
        let reader = try KafkaTopicReader(properties: ["bootstrap.servers": bootstrapServers], logger: logger)
        var result: [Int32: Int64] = [:]
        for partition in 0..<partitions {
            result[partition] = try reader.watermarks(TopicPartition(topic: topic, partition: partition)).high
        }
        return result
    }
}
