import CRdKafka
import Foundation
import Logging

/// The outcome of publishing one record.
public struct DeliveryReport: Sendable {
    /// Offset the broker gave the record, when it was acknowledged.
    public var offset: Int64?
    public var partition: Int32
    /// Why it was not acknowledged (`nil` when it was).
    public var error: KafkaError?
}

/// Delivery reports by ticket, written by the delivery-report callback, for records enqueued and
/// not yet collected.
final class DeliveryBook {
    var reports: [Int: DeliveryReport] = [:]
    /// Enqueued records whose report has not arrived.
    var pending = 0
    /// The next record's ticket (1-based: ticket 0 would be a null opaque pointer).
    var nextTicket = 1
}

/// Records handed to the producer by one ``KafkaProducer/enqueue(_:)``: consecutive tickets.
public struct DeliveryBatch: Sendable {
    let firstTicket: Int
    /// How many records.
    public let count: Int
}

/// An idempotent producer (`acks=all`). ``send(_:progress:)`` returns only when the broker has
/// acknowledged (or definitely failed) every record; ``enqueue(_:)`` returns at once, and
/// ``reports(_:)`` collects the batch's reports once they are all in, so a caller can work on while
/// the broker acknowledges.
///
/// Not `Sendable`: a single thread owns it, and delivery reports are served on that thread
/// inside `rd_kafka_flush` and `rd_kafka_poll`, which keeps the bookkeeping free of locks.
public final class KafkaProducer {
    private let handle: OpaquePointer
    private let context: Unmanaged<ClientContext>
    private let logger: Logger
    private var partitionCounts: [String: Int32] = [:]
    /// Reused scratch memory for the C strings and bytes of one record (see ``produce(_:index:)``).
    private var arena: [UInt8] = []

    /// Creates a producer with idempotence and `acks=all` on top of `properties`.
    public init(properties: [String: String], logger: Logger) throws {
        var properties = properties
        properties["enable.idempotence"] = "true"
        properties["acks"] = "all"
        properties["log.queue"] = "false"
        if properties["linger.ms"] == nil { properties["linger.ms"] = "5" }
        self.logger = logger
        let context = ClientContext(logger: logger, rebalanceListener: nil)
        context.deliveries = DeliveryBook()
        let client = try RDKafkaClient.make(RD_KAFKA_PRODUCER, properties: properties, context: context, operation: "producer") { conf in
            rd_kafka_conf_set_dr_msg_cb(conf, deliveryTrampoline)
        }
        self.handle = client.handle
        self.context = client.context
    }

    deinit {
        _ = rd_kafka_flush(handle, 5_000)
        rd_kafka_destroy(handle)
        context.release()
    }

    /// Publishes `records` and waits for every delivery report.
    ///
    /// Returns one report per record, in order. Waits as long as librdkafka keeps retrying
    /// (`message.timeout.ms`); `progress` is called about once a second while waiting, so a long
    /// broker outage is visible in the logs.
    public func send(_ records: [KafkaOutboundRecord], progress: ((Int) -> Void)? = nil) throws -> [DeliveryReport] {
        try wait(for: enqueue(records), progress: progress)
    }

    /// Hands `records` to librdkafka without waiting for the broker. A record librdkafka refuses
    /// outright gets its failed report at once.
    public func enqueue(_ records: [KafkaOutboundRecord]) -> DeliveryBatch {
        let book = context.takeUnretainedValue().deliveries!
        let batch = DeliveryBatch(firstTicket: book.nextTicket, count: records.count)
        book.nextTicket += records.count
        book.pending += records.count
        for (index, record) in records.enumerated() {
            let ticket = batch.firstTicket + index
            while true {
                let error = produce(record, ticket: ticket)
                guard let error else { break }
                if error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue {
                    rd_kafka_poll(handle, 50)
                    continue
                }
                book.reports[ticket] = DeliveryReport(offset: nil, partition: record.partition, error: error)
                book.pending -= 1
                break
            }
        }
        return batch
    }

    /// Serves the delivery reports that arrived, waiting up to `waitMilliseconds` for one.
    public func serveDeliveries(waitMilliseconds: Int32) {
        rd_kafka_poll(handle, waitMilliseconds)
    }

    /// The batch's reports in record order once every one has arrived (and forgets them), else `nil`.
    public func reports(_ batch: DeliveryBatch) -> [DeliveryReport]? {
        let book = context.takeUnretainedValue().deliveries!
        let tickets = batch.firstTicket..<(batch.firstTicket + batch.count)
        guard tickets.allSatisfy({ book.reports[$0] != nil }) else { return nil }
        return tickets.map { book.reports.removeValue(forKey: $0)! }
    }

    /// Waits for all of `batch`'s reports, sending what librdkafka holds back for `linger.ms` at once.
    public func wait(for batch: DeliveryBatch, progress: ((Int) -> Void)? = nil) throws -> [DeliveryReport] {
        while true {
            if let reports = reports(batch) { return reports }
            // flush serves delivery reports and ignores linger.ms while it runs.
            _ = rd_kafka_flush(handle, 1_000)
            if let reports = reports(batch) { return reports }
            progress?(context.takeUnretainedValue().deliveries!.pending)
            if let fatal = fatalError() { throw fatal }
        }
    }

    /// Waits until every enqueued record's report has arrived; they stay for ``reports(_:)``.
    public func waitForAllReports() throws {
        while inFlight > 0 {
            _ = rd_kafka_flush(handle, 1_000)
            if let fatal = fatalError() { throw fatal }
        }
    }

    /// Records enqueued whose delivery report has not arrived yet.
    public var inFlight: Int { context.takeUnretainedValue().deliveries!.pending }

    /// Enqueues one record through `rd_kafka_produceva` (the variadic `producev` cannot be called from Swift).
    private func produce(_ record: KafkaOutboundRecord, ticket: Int) -> KafkaError? {
        // Lay out every C string and byte run in one reused buffer, so a record costs no allocations here.
        arena.removeAll(keepingCapacity: true)
        let topicStart = arena.count
        arena.append(contentsOf: record.topic.utf8); arena.append(0)
        var headerRanges: [(name: Int, value: Int, size: Int)] = []
        headerRanges.reserveCapacity(record.headers.count)
        for header in record.headers {
            let nameStart = arena.count
            arena.append(contentsOf: header.name.utf8); arena.append(0)
            let valueStart = arena.count
            if let value = header.value { arena.append(contentsOf: value) }
            headerRanges.append((nameStart, valueStart, header.value?.count ?? -1))
        }
        let keyStart = arena.count
        if let key = record.key { arena.append(contentsOf: key) }
        return arena.withUnsafeBufferPointer { buffer -> KafkaError? in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            var values: [rd_kafka_vu_t] = []
            values.reserveCapacity(6 + headerRanges.count)
            var topic = rd_kafka_vu_t()
            topic.vtype = RD_KAFKA_VTYPE_TOPIC
            topic.u.cstr = base.advanced(by: topicStart).assumingMemoryBound(to: CChar.self)
            values.append(topic)
            var partition = rd_kafka_vu_t()
            partition.vtype = RD_KAFKA_VTYPE_PARTITION
            partition.u.i32 = record.partition
            values.append(partition)
            var flags = rd_kafka_vu_t()
            flags.vtype = RD_KAFKA_VTYPE_MSGFLAGS
            flags.u.i = RD_KAFKA_MSG_F_COPY
            values.append(flags)
            var opaque = rd_kafka_vu_t()
            opaque.vtype = RD_KAFKA_VTYPE_OPAQUE
            opaque.u.ptr = UnsafeMutableRawPointer(bitPattern: ticket)
            values.append(opaque)
            if let key = record.key {
                var keyValue = rd_kafka_vu_t()
                keyValue.vtype = RD_KAFKA_VTYPE_KEY
                keyValue.u.mem.ptr = UnsafeMutableRawPointer(mutating: base.advanced(by: keyStart))
                keyValue.u.mem.size = key.count
                values.append(keyValue)
            }
            for range in headerRanges {
                var header = rd_kafka_vu_t()
                header.vtype = RD_KAFKA_VTYPE_HEADER
                header.u.header.name = base.advanced(by: range.name).assumingMemoryBound(to: CChar.self)
                header.u.header.val = range.size >= 0 ? base.advanced(by: range.value) : nil
                header.u.header.size = range.size
                values.append(header)
            }
            func enqueue(_ values: [rd_kafka_vu_t]) -> KafkaError? {
                values.withUnsafeBufferPointer { vus -> KafkaError? in
                    guard let error = rd_kafka_produceva(handle, vus.baseAddress, vus.count) else { return nil }
                    return KafkaError(error: error, operation: "produce to \(record.topic)")
                }
            }
            guard let payload = record.value else { return enqueue(values) }
            return payload.withUnsafeBytes { valueBytes -> KafkaError? in
                var value = rd_kafka_vu_t()
                value.vtype = RD_KAFKA_VTYPE_VALUE
                // An empty Data may have no base address; librdkafka wants a non-null pointer for "".
                value.u.mem.ptr = UnsafeMutableRawPointer(mutating: valueBytes.baseAddress ?? base)
                value.u.mem.size = valueBytes.count
                values.append(value)
                return enqueue(values)
            }
        }
    }

    /// The number of partitions of `topic`, from cluster metadata (cached).
    public func partitionCount(of topic: String, timeoutMilliseconds: Int32 = 10_000) throws -> Int32 {
        if let count = partitionCounts[topic] { return count }
        let count = try KafkaMetadata.partitionCount(handle: handle, topic: topic, timeoutMilliseconds: timeoutMilliseconds)
        partitionCounts[topic] = count
        return count
    }

    /// The high watermarks (the next offset) of several partitions, from one ListOffsets request
    /// per partition leader rather than one round trip per partition. Answers for every partition
    /// asked, or throws.
    public func queryHighWatermarks(_ partitions: [TopicPartition], timeoutMilliseconds: Int32 = 10_000) throws -> [TopicPartition: Int64] {
        guard !partitions.isEmpty else { return [:] }
        // Kafka's ListOffsets reads timestamp -1 (`RD_KAFKA_OFFSET_END`) as "the log end offset".
        let list = RDKafkaTopicPartitionList.make(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_END)) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let error = rd_kafka_offsets_for_times(handle, list, timeoutMilliseconds)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: error, operation: "query the end of \(partitions.count) partitions") }
        var ends: [TopicPartition: Int64] = [:]
        for (partition, offset, code) in RDKafkaTopicPartitionList.read(list) {
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR.rawValue, let offset else {
                throw KafkaError(code: rd_kafka_resp_err_t(rawValue: code), operation: "query the end of \(partition)")
            }
            ends[partition] = offset
        }
        if let missing = partitions.first(where: { ends[$0] == nil }) {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION, operation: "query the end of \(missing)")
        }
        return ends
    }

    /// The producer's fatal error, if any (an idempotent producer can hit one; it must then be recreated).
    public func fatalError() -> KafkaError? {
        var buffer = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &buffer, buffer.count)
        if code == RD_KAFKA_RESP_ERR_NO_ERROR { return nil }
        return KafkaError(code: code, operation: "produce", message: RDKafkaConfig.message(buffer), isFatal: true)
    }
}

private let deliveryTrampoline: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, message, opaque in
    guard let opaque, let message, let book = Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue().deliveries else { return }
    let ticket = Int(bitPattern: message.pointee._private)
    guard ticket > 0, ticket < book.nextTicket, book.reports[ticket] == nil else { return }
    let m = message.pointee
    if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        book.reports[ticket] = DeliveryReport(offset: m.offset, partition: m.partition, error: nil)
    } else {
        book.reports[ticket] = DeliveryReport(offset: nil, partition: m.partition, error: KafkaError(code: m.err, operation: "deliver"))
    }
    book.pending -= 1
}
