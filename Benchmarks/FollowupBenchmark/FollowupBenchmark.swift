import Foundation
import Followup
import Logging
import PostPurchaseCore
import PostPurchaseTesting

/// Pending follow-ups at scale through the real store (SQLite, or PostgreSQL with `--postgres` or
/// `--database-url URL`): how fast they are scheduled, how late the due ones fire among millions
/// that are not due, and the process's peak memory. Not a test: run it in release mode and read
/// the figures.
///
///     swift run -c release followup-benchmark [pending=1000000] [due=20000] [window-seconds=20] [--postgres | --database-url URL]
///
/// Each pending follow-up is what the planner writes for one: its ``Followup`` entity (JSON) and
/// its durable timer, committed in batches as the runtime commits a poll's batch; every fifth
/// follow-up also writes its order and customer. A sample of `due` follow-ups falls due, evenly
/// spread, within `window` seconds of real time; the others are due in 30–60 days. A firing loop
/// that does what the pipeline's timer loop does (earliest due timers of the owned partitions,
/// at most 500 per transaction, claimed together, their entities read ahead on PostgreSQL, and
/// fired through ``FollowupPlanner/fire(_:context:)``, which renders the message) records each
/// firing's lag after its due time.
@main
enum FollowupBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let pending = arguments.first ?? 1_000_000
        let dueCount = min(arguments.dropFirst().first ?? 20_000, pending)
        let window = Double(arguments.dropFirst(2).first ?? 20)
        let partitions = 12
        let batch = 10_000
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("followup-benchmark-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = PostPurchaseConfiguration()
        configuration.store.dataDir = directory
        let backend = try BenchmarkStore(configuration: &configuration)
        defer { backend.stop() }
        let store = try StateStoreFactory.open(configuration, workerName: WorkerRole.followup.name, logger: Logger(label: "followup-benchmark"))
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/templates").path
        let planner = try FollowupPlanner(composer: try NotificationComposer(directory: templates, required: FollowupMessages.templates))
        print("followup-benchmark: \(pending) pending follow-ups (\(dueCount) falling due within \(Int(window)) s), \(partitions) partitions, batches of \(batch), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(backend.backend)")

        // 1. Schedule. The due sample's times are set relative to when scheduling ends (below),
        // so it is written last, after the bulk.
        let future = Date().addingTimeInterval(30 * 86_400)
        let kinds: [FollowupKind] = [.setupHelp, .careInstructions, .delightCheck, .reviewRequest, .crossSell]
        let started = ContinuousClock.now
        var written = 0
        var nextReport = pending / 10
        let bulk = pending - dueCount
        while written < bulk {
            let end = min(written + batch, bulk)
            try store.write { transaction in
                for index in written..<end {
                    let followup = makeFollowup(index, kind: kinds[index % kinds.count], dueAt: future.addingTimeInterval(Double(index % 2_592_000)))
                    try write(followup, index: index, partitions: partitions, transaction)
                }
            }
            written = end
            if written >= nextReport {
                let seconds = elapsed(since: started)
                print(String(format: "  scheduled %9d  %8.0f/s  rss %5.0f MB  peak %5.0f MB", written, Double(written) / seconds, rss().current, rss().peak))
                // Progress must show up when the output goes to a file or a pipe, not only at exit.
                fflush(nil)
                nextReport += pending / 10
            }
        }
        // The first due time leaves 2 s after the sample is written, at the rate the bulk was (the
        // sample takes seconds to write on PostgreSQL): timers already due when firing starts
        // would be measured late by how long scheduling took, not by how late the loop fires them.
        let bulkRate = written > 0 ? Double(written) / elapsed(since: started) : 5_000
        let headStart = 2 + 1.25 * Double(dueCount) / bulkRate
        let dueStart = Date().addingTimeInterval(headStart)
        var dueTimes: [String: Date] = [:]
        while written < pending {
            let end = min(written + batch, pending)
            try store.write { transaction in
                for index in written..<end {
                    let position = Double(index - bulk) / Double(max(dueCount, 1))
                    let followup = makeFollowup(index, kind: .delightCheck, dueAt: dueStart.addingTimeInterval(position * window))
                    dueTimes[followup.timerId] = followup.dueAt
                    try write(followup, index: index, partitions: partitions, transaction)
                }
            }
            written = end
        }
        let insertSeconds = elapsed(since: started)
        print(String(format: "  scheduled %9d  %8.0f/s overall (%.1f s); the first falls due %.1f s after the bulk", pending,
                     Double(pending) / insertSeconds, insertSeconds, headStart))

        // 2. Fire: the pipeline's timer loop, for every owned partition at once. With
        // `--instances=N`, N such loops on their own threads and stores (connections), each
        // owning its share of the partitions as a consumer group would assign them, or, with
        // `--shared-partitions`, all owning every partition, so that they race for the same
        // timers (as instances briefly do around a rebalance) and the claim must hand each out once.
        let instances = max(1, CommandLine.arguments.compactMap { $0.hasPrefix("--instances=") ? Int($0.dropFirst("--instances=".count)) : nil }.last ?? 1)
        let shared = CommandLine.arguments.contains("--shared-partitions")
        let owners = (0..<instances).map { instance in
            (0..<partitions).filter { shared || $0 % instances == instance }.map { TopicPartition(topic: "orders", partition: Int32($0)) }
        }
        var stores = [store]
        for _ in 1..<instances {
            stores.append(try StateStoreFactory.open(configuration, workerName: WorkerRole.followup.name, logger: Logger(label: "followup-benchmark")))
        }
        let firings = Firings()
        let deadline = dueStart.addingTimeInterval(window + 120)
        let due = dueTimes, loops = stores
        DispatchQueue.concurrentPerform(iterations: loops.count) { index in
            do {
                try fire(loops[index], owners: owners[index], planner: planner, dueTimes: due, until: deadline, into: firings)
            } catch {
                firings.fail(error)
            }
        }
        let fired = try firings.result()
        let lags = fired.lags.sorted()
        let remaining = try store.read { try $0.timerCount() }
        print(String(format: "  fired %d of %d due (%d messages), %d still pending", lags.count, dueCount, fired.messages, remaining))
        if stores.count > 1 {
            print("  \(stores.count) instances\(shared ? " sharing every partition" : ""): fired \(fired.perInstance.map(String.init).joined(separator: " + ")), \(fired.repeats) fired twice, \(fired.retries) transactions retried")
        }
        print(String(format: "  firing lag after due time: p50 %.3f s, p99 %.3f s, max %.3f s (target p99 < 1 s)",
                     percentile(lags, 0.50), percentile(lags, 0.99), lags.last ?? .nan))
        if let sqlite = store as? SQLiteStateStore {
            let size = (try? FileManager.default.attributesOfItem(atPath: sqlite.path)[.size] as? Int) ?? 0
            print(String(format: "  peak RSS %.0f MB (target < 300 MB at 10M); store file %.0f MB", rss().peak, Double(size) / 1_048_576))
        } else {
            print(String(format: "  peak RSS %.0f MB (target < 300 MB at 10M); state in PostgreSQL", rss().peak))
        }
    }

    /// One instance's timer loop: until every due follow-up has fired (by any instance) or `deadline`.
    static func fire(_ store: any StateStore, owners: [TopicPartition], planner: FollowupPlanner, dueTimes: [String: Date],
                     until deadline: Date, into firings: Firings) throws {
        let instance = firings.join()
        var nextDue = try store.read { try $0.nextTimerDue(owners: owners) }
        while firings.count < dueTimes.count && Date() < deadline {
            let now = Date()
            guard let due = nextDue, due <= now else {
                let wait = min(0.1, max(0, (nextDue ?? now.addingTimeInterval(0.1)).timeIntervalSince(now)))
                Thread.sleep(forTimeInterval: wait)
                if firings.count < dueTimes.count { nextDue = try store.read { try $0.nextTimerDue(owners: owners) } }
                continue
            }
            let timers = try store.read { try $0.dueTimers(at: now, owners: owners, limit: 500) }
            var fired: [(id: String, lag: Double?, messages: Int)] = []
            do {
                try store.write { transaction in
                    fired = []
                    // Claimed together and their entities read ahead, as the pipeline does. (The
                    // planner schedules no timer but the one it fires, so no other claimed timer changes.)
                    let claimed = try transaction.claimTimers(timers)
                    let firing = timers.filter { claimed.contains($0.id) }
                    if store.readsAreRoundTrips {
                        try EntityReadAhead.warm(transaction, for: firing) { timer, view in
                            var context = StoreContext(now: Date(), transaction: view, owner: timer.owner)
                            try planner.fire(timer, context: &context)
                        }
                    }
                    for timer in firing {
                        var context = StoreContext(now: Date(), transaction: transaction, owner: timer.owner)
                        try planner.fire(timer, context: &context)
                        for event in context.outputs { _ = try CloudEventCodec.encodeStructured(event) }
                        fired.append((timer.id, dueTimes[timer.id].map { context.now.timeIntervalSince($0) }, context.outputs.count))
                    }
                }
            } catch where store.isTransient(error) {
                // Lost a race with another instance (a serialization failure): look again, as the pipeline does.
                firings.retried()
                continue
            }
            firings.record(fired, by: instance)
            nextDue = try store.read { try $0.nextTimerDue(owners: owners) }
        }
    }

    static func makeFollowup(_ index: Int, kind: FollowupKind, dueAt: Date) -> Followup {
        let orderId = "ORD-\(index / 5)"
        let part: String? = kind == .delightCheck ? "\(index)" : "SHP-\(index)"
        var followup = Followup(
            key: Followup.key(orderId: orderId, kind: kind, part: part), kind: kind, orderId: orderId, customerId: "CUS-\(index / 5)",
            shipmentId: "SHP-\(index)", skus: ["SKU-\(index % 1_000)"], dueAt: dueAt)
        followup.fireAt = dueAt
        followup.life = [FollowupLifeEvent(at: Date(), status: .scheduled, reason: "delivery of SHP-\(index) at \(RFC3339.format(Date())): due \(RFC3339.format(dueAt))")]
        return followup
    }

    static func write(_ followup: Followup, index: Int, partitions: Int, _ transaction: any StateTransaction) throws {
        let owner = TopicPartition(topic: "orders", partition: Int32(index / 5 % partitions))
        try transaction.putEntity(namespace: Followup.namespace, key: followup.key, value: try StoreContext.encoder.encode(followup))
        try transaction.scheduleTimer(DurableTimer(
            id: followup.timerId, dueAt: followup.dueAt, kind: FollowupPlanner.timerKind, payload: Data(followup.key.utf8), owner: owner))
        if index % 5 == 0 {
            var order = FollowupOrder(orderId: followup.orderId)
            order.customerId = followup.customerId
            order.paidAt = Date()
            order.skus = followup.skus
            order.items = [followup.skus[0]: .init(name: "Item \(index % 1_000)", category: "electronics", replenishAfterDays: nil)]
            try transaction.putEntity(namespace: FollowupOrder.namespace, key: order.orderId, value: try StoreContext.encoder.encode(order))
            var customer = FollowupCustomer(customerId: followup.customerId)
            customer.locale = index % 2 == 0 ? "ar-SA" : "en-US"
            customer.timeZone = "Asia/Riyadh"
            customer.email = "c\(index)@example.com"
            try transaction.putEntity(namespace: FollowupCustomer.namespace, key: customer.customerId, value: try StoreContext.encoder.encode(customer))
        }
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    static func elapsed(since start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Resident and peak resident memory in MB (Linux `/proc/self/status`).
    static func rss() -> (current: Double, peak: Double) {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (.nan, .nan) }
        func field(_ name: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return .nan }
            return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan) / 1024
        }
        return (field("VmRSS:"), field("VmHWM:"))
    }
}
