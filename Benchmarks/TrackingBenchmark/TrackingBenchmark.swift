import Foundation
import Logging
import PostPurchaseCore
import PostPurchaseTesting
import Tracking

/// Carrier events per second through one tracking-worker pipeline with durable state (SQLite, or
/// PostgreSQL with `--postgres` or `--database-url URL`), next to librdkafka's raw consume rate of
/// the same records in the same run. Not a test: run it in release mode and read the figures.
///
///     swift run -c release tracking-benchmark [events] [events-per-parcel] [--postgres | --database-url URL | --no-write-behind]
///     swift run -c release tracking-benchmark latency [events-per-second] [seconds] [--batch N] [the same store options]   (see ``LatencyRun``)
@main
enum TrackingBenchmark {
    static func main() async throws {
        if CommandLine.arguments.dropFirst().first == "latency" {
            var arguments = Array(CommandLine.arguments.dropFirst(2))
            var batchSize: Int?
            if let flag = arguments.firstIndex(of: "--batch") {
                guard flag + 1 < arguments.count, let size = Int(arguments[flag + 1]), size > 0 else {
                    print("--batch needs a positive number of records"); exit(2)
                }
                batchSize = size
                arguments.removeSubrange(flag...(flag + 1))
            }
            let numbers = arguments.compactMap { Int($0) }
            return try await LatencyRun.run(rate: numbers.first ?? 1_000, seconds: numbers.dropFirst().first ?? 30, batchSize: batchSize)
        }
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let events = arguments.first ?? 100_000
        let perParcel = arguments.dropFirst().first ?? 10
        let parcels = max(1, events / perParcel)
        let partitions: Int32 = 24
        print("tracking-benchmark: \(events) carrier events for \(parcels) parcels, \(partitions) partitions, \(ProcessInfo.processInfo.activeProcessorCount) cores")

        let fixture = try DevBrokerFixture(partitions: partitions)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("tracking-benchmark-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        var configuration = fixture.configuration(dataDirectory: data, groupId: "benchmark-tracking")
        configuration.runtime.batchSize = 5_000
        let store = try BenchmarkStore(configuration: &configuration)
        defer { store.stop() }
        print("  state: \(store.description)")
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/templates").path
        let worker = TrackingWorker(composer: try NotificationComposer(directory: templates, required: TrackingMessages.templates))

        // 1. Orders and dispatches, processed before the measurement.
        let start = Date(timeIntervalSince1970: 1_740_000_000)
        try await loadOrders(parcels: parcels, fixture: fixture, configuration: configuration, worker: worker, start: start)

        // 2. Carrier webhooks in the three raw formats; a parcel's updates are spread in time.
        var records: [(topic: String, key: String?, value: Data?, headers: [KafkaHeader])] = []
        records.reserveCapacity(events)
        var bytes = 0
        for index in 0..<events {
            let parcel = index % parcels
            let step = index / parcels
            let (body, source) = webhook(parcel: parcel, step: step, steps: perParcel, start: start)
            bytes += body.count
            records.append(("carrier-events", trackingNumber(parcel), body, source.map { [KafkaHeader(name: "carrier-source", text: $0)] } ?? []))
        }
        for chunk in stride(from: 0, to: records.count, by: 10_000) {
            try fixture.publish(Array(records[chunk..<min(chunk + 10_000, records.count)]))
        }
        print("  carrier events published: \(events), average \(bytes / events) bytes")

        // 3. librdkafka alone: consume every record, copy it out, nothing else.
        let consumer = try KafkaConsumer(
            properties: ["bootstrap.servers": fixture.bootstrapServers, "group.id": "benchmark-raw", "enable.auto.commit": "false"],
            rebalanceListener: nil, logger: Logger(label: "raw", factory: { _ in SwiftLogNoOpLogHandler() }))
        var starts: [TopicPartition: Int64] = [:]
        for partition in 0..<partitions { starts[TopicPartition(topic: "carrier-events", partition: partition)] = 0 }
        try consumer.assign(starts)
        var consumed = 0
        let rawStarted = ContinuousClock.now
        while consumed < events {
            consumed += try consumer.poll(maxRecords: 5_000, timeoutMilliseconds: 100).count
        }
        let rawSeconds = seconds(ContinuousClock.now - rawStarted)
        consumer.close()

        // 4. The tracking worker: decode, correlate, decide, one store transaction per batch, outbox, publish.
        let running = try RunningWorker(worker, configuration: configuration)
        try await running.waitUntilReady()
        let workerStarted = ContinuousClock.now
        let cpuStarted = ProcessUsage.cpuSeconds()
        let pipelineCPUStarted = running.health.snapshot.pipelineCPUSeconds
        let writerCPUStarted = running.health.snapshot.writerCPUSeconds
        let progress = try await waitUntilConsumed(fixture, topic: "carrier-events")
        let workerSeconds = seconds(ContinuousClock.now - workerStarted)
        let workerCPU = ProcessUsage.cpuSeconds() - cpuStarted
        let pipelineCPU = running.health.snapshot.pipelineCPUSeconds - pipelineCPUStarted
        let writerCPU = running.health.snapshot.writerCPUSeconds - writerCPUStarted
        try await running.stop()
        let updates = try fixture.endOffsets(topic: "shipment-updates").values.reduce(0, +)
        let messages = try fixture.endOffsets(topic: "notifications").values.reduce(0, +)

        print(String(format: "  librdkafka raw consume:      %9.0f events/s (%.2f s)", Double(events) / rawSeconds, rawSeconds))
        print("  tracking-worker, \(store.backend):".padding(toLength: 30, withPad: " ", startingAt: 0)
              + String(format: "%9.0f events/s (%.2f s, to the last committed offset)", Double(events) / workerSeconds, workerSeconds))
        // The run above includes the first fetch and the last acknowledgements; the middle is the pace.
        if let steady = steadyRate(progress, events: events) {
            print(String(format: "  steady pace, 10 %% → 90 %% committed: %6.0f events/s", steady))
        }
        print(String(format: "  CPU per carrier event:        %9.1f µs (whole process: worker, librdkafka and the dev broker)",
                     workerCPU / Double(events) * 1e6))
        // The pipeline's thread runs the handlers and the store transaction: it bounds throughput.
        print(String(format: "  pipeline thread CPU per event: %8.1f µs (busy %.0f %% of the run)",
                     pipelineCPU / Double(events) * 1e6, pipelineCPU / workerSeconds * 100))
        // With write-behind, the writer's thread commits the batches: the busier of the two is the limit.
        if writerCPU > 0 {
            print(String(format: "  writer thread CPU per event:   %8.1f µs (busy %.0f %% of the run)",
                         writerCPU / Double(events) * 1e6, writerCPU / workerSeconds * 100))
        }
        print("  outputs: \(updates) shipment-updates, \(messages) notifications")
        print(String(format: "  peak resident memory:          %8.0f MB (whole process, dev broker included)", Double(ProcessUsage.peakResidentBytes()) / 1e6))
        // What the run left in the store: one audit entry per carrier event, every parcel delivered.
        let state = try StateStoreFactory.open(configuration, workerName: worker.name, logger: Logger(label: "check"))
        let (audits, delivered) = try state.read { transaction in
            (try transaction.entities(namespace: CarrierUpdateAudit.namespace, keyPrefix: "", limit: events * 2).count,
             try transaction.entities(namespace: Shipment.namespace, keyPrefix: "", limit: parcels * 2)
                .filter { (try? CloudEventCodec.decoder.decode(Shipment.self, from: $0.value))?.status == .delivered }.count)
        }
        print("  stored: \(audits) audit entries, \(delivered) of \(parcels) shipments delivered")
        try? FileManager.default.removeItem(atPath: data)
    }

    /// Publishes `order.paid` and `shipment.dispatched` for every parcel and lets the worker apply them.
    static func loadOrders(
        parcels: Int, fixture: DevBrokerFixture, configuration: PostPurchaseConfiguration, worker: TrackingWorker, start: Date
    ) async throws {
        var orders: [OutgoingEvent] = []
        for parcel in 0..<parcels {
            let orderId = "ORD-\(parcel)"
            orders.append(OutgoingEvent(
                topic: .orders, key: orderId, id: "paid-\(parcel)", type: EventType.orderPaid, source: "benchmark", time: start,
                data: OrderPaid(
                    orderId: orderId,
                    customer: .init(id: "CUS-\(parcel % 5_000)", phone: "+9665\(parcel)", locale: parcel % 2 == 0 ? "ar-SA" : "en-US",
                                    timeZone: "Asia/Riyadh", marketingConsent: false),
                    items: [.init(sku: "SKU-1", name: "Lamp", category: "home", quantity: 1, unitPrice: Money(amount: 12999, currency: "SAR"))],
                    total: Money(amount: 12999, currency: "SAR"), paidAt: start)))
            orders.append(OutgoingEvent(
                topic: .orders, key: orderId, id: "dispatch-\(parcel)", type: EventType.shipmentDispatched, source: "benchmark",
                time: start.addingTimeInterval(3_600),
                data: ShipmentDispatched(
                    orderId: orderId, shipmentId: "SHP-\(parcel)", carrier: "usps", trackingNumber: trackingNumber(parcel),
                    items: [ItemQuantity(sku: "SKU-1", quantity: 1)], promisedBy: Date(timeIntervalSinceNow: 365 * 86_400))))
        }
        for chunk in stride(from: 0, to: orders.count, by: 10_000) {
            try fixture.publish(Array(orders[chunk..<min(chunk + 10_000, orders.count)]), topic: "orders")
        }
        let running = try RunningWorker(worker, configuration: configuration)
        try await waitUntilConsumed(fixture, topic: "orders")
        try await running.stop()
        print("  orders and dispatches loaded: \(orders.count)")

    }

    static func trackingNumber(_ parcel: Int) -> String { "BM\(String(format: "%012d", parcel))" }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Waits until the benchmark group committed the end of every partition of `topic`.
    /// Waits until the group has committed every record of `topic`; returns how many records were
    /// committed when (sampled every 20 ms).
    @discardableResult
    static func waitUntilConsumed(_ fixture: DevBrokerFixture, topic: String) async throws -> [(at: ContinuousClock.Instant, committed: Int64)] {
        let end = try fixture.endOffsets(topic: topic)
        var progress: [(at: ContinuousClock.Instant, committed: Int64)] = []
        while true {
            let committed = try fixture.committedOffsets(group: "benchmark-tracking", topic: topic)
            progress.append((ContinuousClock.now, committed.values.reduce(0) { $0 + max($1, 0) }))
            if end.allSatisfy({ partition, high in high == 0 || (committed[partition] ?? -1) >= high }) { return progress }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Events per second between the samples where 10 % and 90 % of `events` were committed.
    static func steadyRate(_ progress: [(at: ContinuousClock.Instant, committed: Int64)], events: Int) -> Double? {
        guard let low = progress.first(where: { $0.committed >= Int64(events) / 10 }),
              let high = progress.first(where: { $0.committed >= Int64(events) * 9 / 10 }),
              high.committed > low.committed else { return nil }
        return Double(high.committed - low.committed) / seconds(high.at - low.at)
    }

    /// The journey of a parcel over `steps` webhooks: label, scans (mostly repeats), out for delivery, delivered.
    static func webhook(parcel: Int, step: Int, steps: Int, start: Date) -> (Data, String?) {
        let status: ShipmentStatus = switch step {
        case 0: .labelCreated
        case steps - 2: .outForDelivery
        case steps - 1: .delivered
        default: .inTransit
        }
        let time = RFC3339.format(start.addingTimeInterval(7_200 + Double(step) * 3_600))
        let number = trackingNumber(parcel)
        switch parcel % 3 {
        case 0:
            let (value, detail) = switch status {
            case .labelCreated: ("pre_transit", "label_created")
            case .outForDelivery: ("out_for_delivery", "out_for_delivery")
            case .delivered: ("delivered", "arrived_at_destination")
            default: ("in_transit", "arrived_at_facility")
            }
            return (Data("""
                {"id":"evt_\(parcel)_\(step)","object":"Event","description":"tracker.updated","mode":"production","result":{"id":"trk_\(parcel)","object":"Tracker","tracking_code":"\(number)","status":"\(value)","status_detail":"\(detail)","carrier":"USPS","est_delivery_date":"2025-02-25T00:00:00Z","tracking_details":[{"object":"TrackingDetail","message":"Scan","status":"\(value)","status_detail":"\(detail)","datetime":"\(time)","tracking_location":{"object":"TrackingLocation","city":"DALLAS","state":"TX","country":"US","zip":"75201"}}]}}
                """.utf8), "easypost")
        case 1:
            let (value, code) = switch status {
            case .labelCreated: ("PRE_TRANSIT", "information_received")
            case .outForDelivery: ("TRANSIT", "out_for_delivery")
            case .delivered: ("DELIVERED", "delivered")
            default: ("TRANSIT", "package_arrived")
            }
            return (Data("""
                {"event":"track_updated","test":false,"data":{"carrier":"usps","tracking_number":"\(number)","eta":"2025-02-25T00:00:00Z","tracking_status":{"object_id":"ts_\(parcel)_\(step)","status":"\(value)","status_details":"Scan","status_date":"\(time)","substatus":{"code":"\(code)","text":"","action_required":false},"location":{"city":"Las Vegas","state":"NV","zip":"89101","country":"US"}}}}
                """.utf8), nil)
        default:
            let (tag, subtag) = switch status {
            case .labelCreated: ("InfoReceived", "InfoReceived_001")
            case .outForDelivery: ("OutForDelivery", "OutForDelivery_001")
            case .delivered: ("Delivered", "Delivered_001")
            default: ("InTransit", "InTransit_003")
            }
            return (Data("""
                {"event":"tracking_update","event_id":"as-\(parcel)-\(step)","is_tracking_first_tag":false,"msg":{"id":"as\(parcel)","tracking_number":"\(number)","slug":"usps","tag":"\(tag)","subtag":"\(subtag)","subtag_message":"Scan","expected_delivery":"2025-02-25","checkpoints":[{"checkpoint_time":"\(time)","created_at":"\(time)","message":"Scan","location":"DALLAS, TX","tag":"\(tag)","subtag":"\(subtag)","slug":"usps"}]},"ts":1740000000}
                """.utf8), "aftership")
        }
    }
}
