import ArgumentParser
import Foundation
import Logging
import PostPurchaseCore
import PostPurchaseTesting
import Synchronization

/// `postpurchase-bench`: measures the runtime end to end on this machine, against an in-process
/// dev broker, with durable SQLite (default) or PostgreSQL state: events/s through a real worker (decode, dedupe, state
/// read and write, outbox, acks, commits), end-to-end latency, the raw librdkafka consume rate
/// and the CloudEvents decode rate, all in one run.
@main
struct RuntimeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postpurchase-bench",
        abstract: "Benchmark the worker runtime: throughput, latency, raw consume and decode rates.")

    @Option(help: "Events to push through the worker.")
    var events = 100_000

    @Option(help: "Publish rate in events/s (0 = as fast as possible).")
    var rate = 0

    @Option(help: "Partitions of the input and output topics.")
    var partitions: Int32 = 6

    @Option(help: "Records per batch (one store transaction each).")
    var batchSize = 1_000

    @Option(help: "Distinct keys (entities) the events update.")
    var keys = 10_000

    @Option(help: "Keep the worker's state in this PostgreSQL database (postgres://user:password@host:port/db) instead of SQLite.")
    var databaseUrl: String?

    @Flag(help: "Keep the worker's state in a throw-away PostgreSQL server started on loopback (Debian's postgresql package, durable settings).")
    var postgres = false

    func run() async throws {
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let broker = try DevBroker(brokers: 1, logger: logger)
        for topic in ["echo-in", "echo-out", "dead-letters"] { try broker.createTopic(topic, partitions: partitions) }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("pp-bench-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        var configuration = PostPurchaseConfiguration()
        configuration.kafka.bootstrapServers = broker.bootstrapServers
        configuration.kafka.lingerMs = 1
        configuration.runtime.batchSize = batchSize
        configuration.runtime.pollIntervalMs = 20
        configuration.store.dataDir = data
        var server: PostgresTestServer?
        if postgres {
            server = try PostgresTestServer.start(durable: true)
            configuration.store.databaseUrl = try server!.createDatabase("bench")
        } else if let databaseUrl {
            configuration.store.databaseUrl = databaseUrl
        }
        defer { server?.stop() }
        let backend = configuration.store.databaseUrl == nil ? "SQLite" : "PostgreSQL"
        print("state: \(StateStoreFactory.location(configuration, workerName: "echo-worker"))")
        print("dev broker \(broker.bootstrapServers); \(events) events, \(partitions) partitions, batch \(batchSize), \(keys) keys, rate \(rate == 0 ? "max" : "\(rate)/s")")

        let decodeRate = try Self.measureDecode(count: 200_000)
        print(String(format: "CloudEvents decode (structured, envelope + typed data): %.0f events/s", decodeRate))

        let worker = try RunningWorker(EchoWorker(), configuration: configuration)
        try await worker.waitUntilReady()
        let sendTimes = SendTimes(count: events)
        let collector = try OutputCollector(
            bootstrap: broker.bootstrapServers, partitions: partitions, expected: events, sendTimes: sendTimes, logger: logger)
        let producer = try KafkaProducer(properties: ["bootstrap.servers": broker.bootstrapServers, "linger.ms": "5"], logger: logger)
        let started = Date()
        var published = 0
        var lastReport = Date()
        let chunk = rate == 0 ? 2_000 : max(rate / 100, 1)
        while published < events {
            // Consume while producing: the dev broker keeps only a few MB per partition.
            while published - collector.count > 40_000 { try await Task.sleep(for: .milliseconds(5)) }
            let count = min(chunk, events - published)
            let records = (published..<(published + count)).map { index -> KafkaOutboundRecord in
                let key = Array("customer-\(index % keys)".utf8)
                let value = #"{"specversion":"1.0","id":"bench-\#(index)","source":"bench","type":"echo.request","time":"\#(RFC3339.format(Date()))","data":{"requestId":"\#(index)"}}"#
                return KafkaOutboundRecord(
                    topic: "echo-in", partition: Murmur2Partitioner.partition(for: key, partitionCount: partitions), key: key,
                    value: Data(value.utf8), headers: [KafkaHeader(name: "content-type", text: CloudEventCodec.structuredContentType)])
            }
            sendTimes.mark(published..<(published + count), at: Date().timeIntervalSince1970)
            _ = try producer.send(records)
            published += count
            if rate > 0 {
                let due = started.addingTimeInterval(Double(published) / Double(rate))
                let wait = due.timeIntervalSinceNow
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            }
            if Date().timeIntervalSince(lastReport) >= 2 {
                lastReport = Date()
                print(String(format: "  … %.1fs: published %d, processed %d (%.0f events/s)", lastReport.timeIntervalSince(started),
                             published, collector.count, Double(collector.count) / lastReport.timeIntervalSince(started)))
                fflush(nil)
            }
        }
        try await collector.waitForAll(timeout: .seconds(300))
        let elapsed = Date().timeIntervalSince(started)
        try await worker.stop()
        let latencies = collector.latencies.sorted()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(String(format: "worker throughput: %d events in %.2fs = %.0f events/s", events, elapsed, Double(events) / elapsed)
              + " (durable \(backend) state, outbox, acks, commits)")
        print(String(format: "end-to-end latency (publish → output consumed): p50 %.1f ms, p99 %.1f ms, max %.1f ms", percentile(0.5) * 1000, percentile(0.99) * 1000, (latencies.last ?? 0) * 1000))
        print("outputs: \(collector.count) (duplicates: \(collector.duplicates))")

        let raw = try Self.measureRawConsume(bootstrap: broker.bootstrapServers, partitions: partitions, logger: logger)
        print(String(format: "raw librdkafka consume (same broker, no processing): %d records in %.2fs = %.0f records/s", raw.records, raw.seconds, Double(raw.records) / raw.seconds))
    }

    /// Decodes a structured CloudEvent and its typed data repeatedly.
    static func measureDecode(count: Int) throws -> Double {
        let value = Data(#"{"specversion":"1.0","id":"bench-1","source":"bench","type":"echo.request","time":"2026-11-20T10:00:00.000Z","data":{"requestId":"1"}}"#.utf8)
        let record = KafkaRecord(topic: "echo-in", partition: 0, offset: 0, key: nil, value: value, headers: [])
        let start = Date()
        for _ in 0..<count {
            let event = try CloudEventCodec.decode(record)
            _ = try event.decodeData(EchoWorker.Request.self)
        }
        return Double(count) / Date().timeIntervalSince(start)
    }

    /// Reads what the dev broker still holds of the input topic as fast as librdkafka can.
    static func measureRawConsume(bootstrap: String, partitions: Int32, logger: Logger) throws -> (records: Int, seconds: Double) {
        let reader = try KafkaTopicReader(properties: ["bootstrap.servers": bootstrap], logger: logger)
        var ranges: [TopicPartition: Range<Int64>] = [:]
        for partition in 0..<partitions {
            let tp = TopicPartition(topic: "echo-in", partition: partition)
            let marks = try reader.watermarks(tp)
            ranges[tp] = marks.low..<marks.high
        }
        let start = Date()
        let records = try reader.read(ranges, timeout: .seconds(120))
        return (records.count, Date().timeIntervalSince(start))
    }
}

/// When each input was published (by index), written by the publisher and read by the collector.
final class SendTimes: Sendable {
    private let times: Mutex<[Double]>
    init(count: Int) { times = Mutex(Array(repeating: 0, count: count)) }
    func mark(_ range: Range<Int>, at time: Double) { times.withLock { for index in range { $0[index] = time } } }
    func time(of index: Int) -> Double? { times.withLock { index < $0.count && $0[index] > 0 ? $0[index] : nil } }
}

/// Reads the worker's outputs on a thread of its own, counting them, spotting duplicates and
/// measuring publish-to-output latency.
final class OutputCollector: Sendable {
    private struct State {
        var seen = Set<String>()
        var duplicates = 0
        var latencies: [Double] = []
    }
    private let state = Mutex(State())
    private let stop = StopSignal()
    private let expected: Int

    init(bootstrap: String, partitions: Int32, expected: Int, sendTimes: SendTimes, logger: Logger) throws {
        self.expected = expected
        let starts = Dictionary(uniqueKeysWithValues: (0..<partitions).map { (TopicPartition(topic: "echo-out", partition: $0), Int64(0)) })
        let consumer = try KafkaConsumer(
            properties: ["bootstrap.servers": bootstrap, "group.id": "bench-collector"], rebalanceListener: nil, logger: logger)
        try consumer.assign(starts)
        let box = ConsumerBox(consumer)
        let thread = Thread { [self] in
            let consumer = box.take()
            while !stop.isStopped {
                guard let records = try? consumer.poll(maxRecords: 5_000, timeoutMilliseconds: 50), !records.isEmpty else { continue }
                let now = Date().timeIntervalSince1970
                var batch: [(String, Double?)] = []
                for record in records {
                    guard let event = try? CloudEventCodec.decode(record), let reply = try? event.decodeData(EchoWorker.Reply.self) else { continue }
                    batch.append((event.id, Int(reply.requestId).flatMap(sendTimes.time(of:)).map { now - $0 }))
                }
                self.state.withLock { state in
                    for (id, latency) in batch {
                        if !state.seen.insert(id).inserted { state.duplicates += 1; continue }
                        if let latency { state.latencies.append(latency) }
                    }
                }
            }
        }
        thread.start()
    }

    var count: Int { state.withLock { $0.seen.count } }
    var duplicates: Int { state.withLock { $0.duplicates } }
    var latencies: [Double] { state.withLock { $0.latencies } }

    /// Waits until every expected output arrived, then stops reading.
    func waitForAll(timeout: Duration) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while count < expected {
            if ContinuousClock.now > deadline { throw TimeoutError(what: "\(expected) outputs (got \(count))") }
            try await Task.sleep(for: .milliseconds(10))
        }
        stop.stop()
    }
}

/// Hands a consumer to the thread that will own it.
final class ConsumerBox: @unchecked Sendable {
    // @unchecked: the consumer is created here and then used only by the one thread that takes it.
    private var consumer: KafkaConsumer?
    init(_ consumer: KafkaConsumer) { self.consumer = consumer }
    func take() -> KafkaConsumer { defer { consumer = nil }; return consumer! }
}
