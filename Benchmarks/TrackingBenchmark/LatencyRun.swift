import Foundation
import Logging
import PostPurchaseCore
import PostPurchaseTesting
import Tracking

/// `tracking-benchmark latency [rate] [seconds]`: carrier webhooks published at a steady rate
/// while the tracking worker runs with its production batch settings; a consumer on
/// `notifications` records when each customer message arrives. Reports the latency from
/// publishing a carrier update to receiving its message (p50/p99/max), and whether the worker
/// kept up (its lag when publishing stops).
enum LatencyRun {
    /// Publish times, written by the publisher thread before it signals, read after the wait.
    final class PublishTimes: @unchecked Sendable {  // one writer, then one reader after a semaphore
        var nanoseconds: [UInt64] = []
        /// How long each publish call took (it waits for the broker's acknowledgement).
        var publishCalls: [Double] = []
    }

    /// `batchSize`: the most records one poll hands the pipeline (`runtime.batchSize`); the
    /// production default unless given.
    static func run(rate: Int, seconds: Int, batchSize: Int?) async throws {
        let perParcel = 6
        let events = rate * seconds
        let parcels = max(1, events / perParcel)
        let partitions: Int32 = 24
        print("tracking-benchmark latency: \(rate) carrier events/s for \(seconds) s (\(parcels) parcels), \(partitions) partitions, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let fixture = try DevBrokerFixture(partitions: partitions)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("tracking-latency-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        var configuration = fixture.configuration(dataDirectory: data, groupId: "benchmark-tracking")
        configuration.kafka.properties.merge(try ConfigurationLoader.kafkaProperties(from: ProcessInfo.processInfo.environment)) { $1 }
        // The same store options as the throughput run (--no-write-behind, --postgres, --database-url).
        let store = try BenchmarkStore(configuration: &configuration)
        defer { store.stop() }
        if let batchSize { configuration.runtime.batchSize = batchSize }
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/templates").path
        let worker = TrackingWorker(composer: try NotificationComposer(directory: templates, required: TrackingMessages.templates))
        let start = Date(timeIntervalSince1970: 1_740_000_000)
        try await TrackingBenchmark.loadOrders(parcels: parcels, fixture: fixture, configuration: configuration, worker: worker, start: start)
        print("  state: \(store.description); batch size \(configuration.runtime.batchSize), poll interval \(configuration.runtime.pollIntervalMs) ms")

        let consumer = try KafkaConsumer(
            // The dev broker (librdkafka's mock cluster) answers a fetch only when fetch.wait.max.ms
            // runs out, not when data arrives as a real broker does: the measuring consumer asks often.
            properties: ["bootstrap.servers": fixture.bootstrapServers, "group.id": "benchmark-latency", "enable.auto.commit": "false",
                         "fetch.wait.max.ms": "1"],
            rebalanceListener: nil, logger: Logger(label: "latency", factory: { _ in SwiftLogNoOpLogHandler() }))
        var starts: [TopicPartition: Int64] = [:]
        for partition in 0..<partitions {
            starts[TopicPartition(topic: "notifications", partition: partition)] = 0
            starts[TopicPartition(topic: "carrier-events", partition: partition)] = 0
        }
        try consumer.assign(starts)
        let running = try RunningWorker(worker, configuration: configuration)
        try await running.waitUntilReady()

        // The publisher: every 5 ms, what the rate says is due by then.
        let times = PublishTimes()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            times.nanoseconds = [UInt64](repeating: 0, count: events)
            let began = DispatchTime.now().uptimeNanoseconds
            var sent = 0
            while sent < events {
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
                let due = min(events, Int(elapsed * Double(rate)))
                if due > sent {
                    var chunk: [(topic: String, key: String?, value: Data?, headers: [KafkaHeader])] = []
                    for index in sent..<due {
                        let parcel = index % parcels
                        let (body, source) = TrackingBenchmark.webhook(parcel: parcel, step: index / parcels, steps: perParcel, start: start)
                        chunk.append(("carrier-events", TrackingBenchmark.trackingNumber(parcel), body,
                                      source.map { [KafkaHeader(name: "carrier-source", text: $0)] } ?? []))
                    }
                    let now = DispatchTime.now().uptimeNanoseconds
                    for index in sent..<due { times.nanoseconds[index] = now }
                    let before = DispatchTime.now().uptimeNanoseconds
                    do { try fixture.publish(chunk) } catch { print("  publish failed: \(error)") }
                    times.publishCalls.append(Double(DispatchTime.now().uptimeNanoseconds - before) / 1e6)
                    sent = due
                }
                usleep(5_000)
            }
        }
        thread.start()

        // Messages: first scan (step 1), out for delivery (step 4), delivered (step 5) per parcel.
        let expected = parcels * 3
        var received: [(index: Int, at: UInt64, produced: Int64?)] = []
        var brokerOnly: [Double] = []
        var stepsSeen: [Int: Int] = [:]
        var createdAt = [Int64](repeating: 0, count: events)
        received.reserveCapacity(expected)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds + 60) * 1_000_000_000
        var publishingEndedAt: UInt64?
        var lagWhenPublishingEnded = 0
        var lastReport = DispatchTime.now().uptimeNanoseconds
        while received.count < expected, DispatchTime.now().uptimeNanoseconds < deadline {
            for record in try consumer.poll(maxRecords: 10_000, timeoutMilliseconds: 20) {
                let at = DispatchTime.now().uptimeNanoseconds
                if record.topic == "carrier-events" {
                    if let created = record.timestampMilliseconds {
                        brokerOnly.append(Double(Int64(Date().timeIntervalSince1970 * 1000) - created))
                        // A parcel's updates share a key, hence a partition: the k-th one seen is step k.
                        if let parcel = record.keyText.flatMap({ Int($0.dropFirst(2)) }) {
                            let step = stepsSeen[parcel, default: 0]
                            stepsSeen[parcel] = step + 1
                            if step * parcels + parcel < events { createdAt[step * parcels + parcel] = created }
                        }
                    }
                    continue
                }
                let message = try CloudEventCodec.decode(record).decodeData(NotificationRequested.self)
                guard let orderId = message.orderId, let parcel = Int(orderId.dropFirst("ORD-".count)) else { continue }
                let step = switch message.template {
                case .shipmentInTransit: 1
                case .shipmentOutForDelivery: perParcel - 2
                case .shipmentDelivered: perParcel - 1
                default: -1
                }
                if step >= 0 { received.append((step * parcels + parcel, at, record.timestampMilliseconds)) }
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if publishingEndedAt == nil, done.wait(timeout: .now()) == .success {
                publishingEndedAt = now
                done.signal()
                lagWhenPublishingEnded = expected - received.count
            }
            if now - lastReport > 2_000_000_000 {
                print("  \(received.count) of \(expected) messages received")
                fflush(nil)
                lastReport = now
            }
        }
        done.wait()
        try await running.stop()
        consumer.close()

        let latencies = received.map { Double($0.at &- times.nanoseconds[$0.index]) / 1e6 }.sorted()
        guard !latencies.isEmpty else { print("  no messages received"); return }
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(String(format: "  carrier update → customer message: p50 %.1f ms, p99 %.1f ms, max %.1f ms over %d messages (target p99 < 50 ms)",
                     percentile(0.5), percentile(0.99), latencies.last!, latencies.count))
        // Where the time goes, from Kafka's own record timestamps (set when a client produces a record):
        func quantiles(_ values: [Double]) -> String {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return "no samples" }
            return String(format: "p50 %.0f ms, p99 %.0f ms", sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 99 / 100)])
        }
        let inWorker = received.compactMap { item -> Double? in
            guard let produced = item.produced, createdAt[item.index] > 0 else { return nil }
            return Double(produced - createdAt[item.index])
        }
        print("    update's record produced → message's record produced (the worker): \(quantiles(inWorker))")
        print("    update's record produced → seen by a plain consumer (the broker):  \(quantiles(brokerOnly))")
        print("    one blocking publish call of the load generator (produce + broker ack): \(quantiles(times.publishCalls))")
        print("  messages still to come when publishing ended: \(lagWhenPublishingEnded) (0 at the end of a run the worker kept up with)")
    }
}
