import CRdKafka
import Foundation
import Logging

/// Reacts to the consumer group moving partitions. Called synchronously inside ``KafkaConsumer/poll(maxRecords:timeoutMilliseconds:)``,
/// on the polling thread, which is why a worker finishes a batch completely before it polls again.
public protocol KafkaRebalanceListener: AnyObject {
    /// Partitions were assigned. Return where to start each one (`nil`: the group's committed offset).
    func partitionsAssigned(_ partitions: [TopicPartition]) -> [TopicPartition: Int64]
    /// Partitions are about to be taken away; everything for them must be durable when this returns.
    func partitionsRevoked(_ partitions: [TopicPartition])
}

/// A consumer-group member with manual offset commits.
///
/// Not `Sendable`: one thread owns it (the worker's pipeline thread) and makes every call,
/// because librdkafka runs the rebalance callback inside `poll` on the calling thread.
public final class KafkaConsumer {
    private let handle: OpaquePointer
    private let queue: OpaquePointer
    private let context: Unmanaged<ClientContext>
    private var topicNames: [OpaquePointer: String] = [:]
    /// Reused between polls, so a poll allocates no pointer array.
    private var buffer: [UnsafeMutablePointer<rd_kafka_message_t>?] = []
    private var closed = false
    private let logger: Logger

    /// Creates a consumer; `properties` are librdkafka properties (must include `group.id` for group use).
    public init(properties: [String: String], rebalanceListener: KafkaRebalanceListener?, logger: Logger) throws {
        var properties = properties
        properties["enable.auto.commit"] = "false"
        properties["enable.auto.offset.store"] = "false"
        properties["enable.partition.eof"] = "false"
        properties["log.queue"] = "false"
        self.logger = logger
        let context = ClientContext(logger: logger, rebalanceListener: rebalanceListener)
        let client = try RDKafkaClient.make(RD_KAFKA_CONSUMER, properties: properties, context: context, operation: "consumer") { conf in
            if rebalanceListener != nil { rd_kafka_conf_set_rebalance_cb(conf, rebalanceTrampoline) }
        }
        self.handle = client.handle
        self.context = client.context
        rd_kafka_poll_set_consumer(handle)
        self.queue = rd_kafka_queue_get_consumer(handle)
        context.consumer = self
    }

    deinit {
        close()
        rd_kafka_queue_destroy(queue)
        rd_kafka_destroy(handle)
        context.release()
    }

    /// Joins the group for these topics.
    public func subscribe(_ topics: [String]) throws {
        let list = RDKafkaTopicPartitionList.make(topics.map { (TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA), nil) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let error = rd_kafka_subscribe(handle, list)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: error, operation: "subscribe") }
    }

    /// Reads partitions directly, without a group (used to read back output partitions).
    public func assign(_ starts: [TopicPartition: Int64]) throws {
        let list = RDKafkaTopicPartitionList.make(starts.map { ($0.key, $0.value) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let error = rd_kafka_assign(handle, list)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: error, operation: "assign") }
    }

    /// Up to `maxRecords` records, waiting at most `timeoutMilliseconds` for the first one.
    /// Rebalance callbacks run inside this call.
    public func poll(maxRecords: Int, timeoutMilliseconds: Int32) throws -> [KafkaRecord] {
        // consume_batch_queue waits its whole timeout for a full batch, which adds that timeout to
        // every record's latency. So: wait only for the first record, then take whatever else is
        // already fetched without waiting.
        guard let first = rd_kafka_consume_queue(queue, timeoutMilliseconds) else {
            if let fatal = fatalError() { throw fatal }
            return []
        }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(first)
        if maxRecords > 1 {
            buffer.append(contentsOf: repeatElement(nil, count: maxRecords - 1))
            let more = buffer.withUnsafeMutableBufferPointer { pointer in
                rd_kafka_consume_batch_queue(queue, 0, pointer.baseAddress! + 1, maxRecords - 1)
            }
            // librdkafka reports the error code in the return value's sign only; details come per message.
            buffer.removeLast(maxRecords - 1 - max(more, 0))
        }
        let count = buffer.count
        var records: [KafkaRecord] = []
        records.reserveCapacity(count)
        for index in 0..<count {
            guard let message = buffer[index] else { continue }
            defer { rd_kafka_message_destroy(message) }
            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                logConsumeError(message)
                continue
            }
            records.append(copyRecord(message))
        }
        if let fatal = fatalError() { throw fatal }
        return records
    }

    private func logConsumeError(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let err = message.pointee.err
        let text = String(cString: rd_kafka_message_errstr(message))
        logger.warning("kafka consume error", metadata: ["kafka.error": "\(text)", "kafka.code": "\(err.rawValue)"])
    }

    private func copyRecord(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaRecord {
        let m = message.pointee
        let topic = topicName(m.rkt)
        let key: [UInt8]? = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        let value: Data? = m.payload.map { Data(bytes: $0, count: m.len) }
        var headers: [KafkaHeader] = []
        var headerList: OpaquePointer?
        if rd_kafka_message_headers(message, &headerList) == RD_KAFKA_RESP_ERR_NO_ERROR, let headerList {
            var index = 0
            var name: UnsafePointer<CChar>?
            var valuePointer: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(headerList, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                let bytes = valuePointer.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
                headers.append(KafkaHeader(name: String(cString: name!), value: bytes))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaRecord(
            topic: topic, partition: m.partition, offset: m.offset, key: key, value: value, headers: headers,
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp)
    }

    /// Topic names are interned per topic handle, so a batch does not build the same string per record.
    private func topicName(_ topic: OpaquePointer?) -> String {
        guard let topic else { return "" }
        if let name = topicNames[topic] { return name }
        let name = String(cString: rd_kafka_topic_name(topic))
        topicNames[topic] = name
        return name
    }

    /// Commits the next offsets to read, so the group (and lag-based autoscalers) see our progress.
    public func commit(_ offsets: [TopicPartition: Int64], asynchronously: Bool) throws {
        guard !offsets.isEmpty else { return }
        let list = RDKafkaTopicPartitionList.make(offsets.map { ($0.key, $0.value) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let error = rd_kafka_commit(handle, list, asynchronously ? 1 : 0)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError(code: error, operation: "commit")
        }
    }

    /// The group's committed offsets for these partitions (`nil` where nothing is committed).
    public func committed(_ partitions: [TopicPartition], timeoutMilliseconds: Int32 = 10_000) throws -> [TopicPartition: Int64] {
        let list = RDKafkaTopicPartitionList.make(partitions.map { ($0, nil) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let error = rd_kafka_committed(handle, list, timeoutMilliseconds)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: error, operation: "committed") }
        var result: [TopicPartition: Int64] = [:]
        for (tp, offset, _) in RDKafkaTopicPartitionList.read(list) { if let offset { result[tp] = offset } }
        return result
    }

    /// Moves the read position of an assigned partition.
    public func seek(_ partition: TopicPartition, to offset: Int64) throws {
        let list = RDKafkaTopicPartitionList.make([(partition, offset)])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        if let error = rd_kafka_seek_partitions(handle, list, 5_000) {
            throw KafkaError(error: error, operation: "seek")
        }
    }

    /// The last known high watermark of a partition (from fetch responses; no network call).
    public func cachedHighWatermark(_ partition: TopicPartition) -> Int64? {
        var low: Int64 = -1
        var high: Int64 = -1
        let error = rd_kafka_get_watermark_offsets(handle, partition.topic, partition.partition, &low, &high)
        return error == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 ? high : nil
    }

    /// The next offset this consumer will fetch from a partition (`nil` before its first fetch).
    public func position(_ partition: TopicPartition) -> Int64? {
        let list = RDKafkaTopicPartitionList.make([(partition, nil)])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard rd_kafka_position(handle, list) == RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return RDKafkaTopicPartitionList.read(list).first?.1
    }

    /// Asks the partition leader for the low and high watermarks.
    public func queryWatermarks(_ partition: TopicPartition, timeoutMilliseconds: Int32 = 10_000) throws -> (low: Int64, high: Int64) {
        var low: Int64 = -1
        var high: Int64 = -1
        let error = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: error, operation: "query watermarks of \(partition)") }
        return (low, high)
    }

    /// The partitions currently assigned to this member.
    public func assignment() -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return RDKafkaTopicPartitionList.read(list).map(\.0)
    }

    /// The client's fatal error, if it has one (the instance must then be recreated).
    public func fatalError() -> KafkaError? {
        var buffer = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &buffer, buffer.count)
        if code == RD_KAFKA_RESP_ERR_NO_ERROR { return nil }
        return KafkaError(code: code, operation: "consume", message: RDKafkaConfig.message(buffer), isFatal: true)
    }

    /// Leaves the group (running the final revocation callback) and stops fetching.
    public func close() {
        guard !closed else { return }
        closed = true
        rd_kafka_consumer_close(handle)
    }

    fileprivate func handleRebalance(_ error: rd_kafka_resp_err_t, _ partitions: RDKafkaTopicPartitionList.ListPointer?) {
        let listener = context.takeUnretainedValue().rebalanceListener
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        guard let partitions else { return }
        let current = RDKafkaTopicPartitionList.read(partitions).map(\.0)
        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            let starts = listener?.partitionsAssigned(current) ?? [:]
            for index in 0..<Int(partitions.pointee.cnt) {
                let element = partitions.pointee.elems[index]
                let tp = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
                partitions.pointee.elems[index].offset = starts[tp] ?? Int64(RD_KAFKA_OFFSET_INVALID)
            }
            if cooperative {
                if let error = rd_kafka_incremental_assign(handle, partitions) {
                    logger.error("incremental assign failed", metadata: ["kafka.error": "\(KafkaError(error: error, operation: "assign"))"])
                }
            } else {
                let code = rd_kafka_assign(handle, partitions)
                if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                    logger.error("assign failed", metadata: ["kafka.error": "\(KafkaError(code: code, operation: "assign"))"])
                }
            }
        default:
            // Revocation, or a rebalance error: either way we stop owning these partitions.
            listener?.partitionsRevoked(current)
            if cooperative {
                if let error = rd_kafka_incremental_unassign(handle, partitions) {
                    logger.error("incremental unassign failed", metadata: ["kafka.error": "\(KafkaError(error: error, operation: "unassign"))"])
                }
            } else {
                _ = rd_kafka_assign(handle, nil)
            }
        }
    }
}

/// State reachable from librdkafka's C callbacks through the configuration's opaque pointer.
// @unchecked: the logger is Sendable; the listener is touched only by rebalance callbacks, which
// librdkafka runs inside poll on the single thread that owns the consumer.
final class ClientContext: @unchecked Sendable {
    let logger: Logger
    weak var rebalanceListener: KafkaRebalanceListener?
    weak var consumer: KafkaConsumer?
    var deliveries: DeliveryBook?

    init(logger: Logger, rebalanceListener: KafkaRebalanceListener?) {
        self.logger = logger
        self.rebalanceListener = rebalanceListener
    }
}

private let rebalanceTrampoline: @convention(c) (
    OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?
) -> Void = { handle, error, partitions, opaque in
    guard let opaque else { return }
    let context = Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    if let consumer = context.consumer {
        consumer.handleRebalance(error, partitions)
    } else if let handle {
        // The Swift object is not wired yet (cannot happen before subscribe); keep librdkafka consistent.
        _ = rd_kafka_assign(handle, error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? partitions : nil)
    }
}

let clientLogTrampoline: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    handle, level, facility, message in
    guard let handle, let opaque = rd_kafka_opaque(handle) else { return }
    let context = Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    let text = message.map { String(cString: $0) } ?? ""
    let facilityText = facility.map { String(cString: $0) } ?? ""
    // librdkafka uses syslog levels: 0-3 error, 4 warning, 5-6 info/notice, 7 debug.
    let swiftLevel: Logger.Level = level <= 3 ? .error : level == 4 ? .warning : level <= 6 ? .info : .debug
    context.logger.log(level: swiftLevel, "\(text)", metadata: ["kafka.facility": "\(facilityText)"], source: "librdkafka")
}

let clientErrorTrampoline: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    _, code, reason, opaque in
    guard let opaque else { return }
    let context = Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    let text = reason.map { String(cString: $0) } ?? ""
    // Transport errors repeat while a broker is down; they are retried by librdkafka itself.
    context.logger.warning("kafka client error", metadata: ["kafka.error": "\(text)", "kafka.code": "\(code)"], source: "librdkafka")
}
