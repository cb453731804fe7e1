import Foundation
import Synchronization
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// The worker runtime against the real Kafka protocol (dev broker in-process) and a real SQLite file.
@Suite("Worker runtime against the dev broker", .serialized)
struct RuntimeIntegrationTests {
    let fixture: DevBrokerFixture
    let data = temporaryDirectory()

    init() throws {
        fixture = try DevBrokerFixture(topics: ["echo-in", "echo-out"], partitions: 3)
    }

    @Test func eventsInOutputsOutInBothContentModesAndOffsetsCommitted() async throws {
        let configuration = fixture.configuration(dataDirectory: data, groupId: "g-roundtrip")
        let worker = try RunningWorker(EchoWorker(), configuration: configuration)
        let batch = requests(0..<60)
        try fixture.publish(Array(batch[0..<30]), topic: "echo-in")
        try fixture.publish(Array(batch[30...]), topic: "echo-in", binary: true)
        let records = try await fixture.waitForRecords(on: "echo-out", count: 60)
        try await worker.stop()
        let outputs = try echoOutputs(records)
        expectExactlyOnce(outputs, requests: (0..<60).map { "r\($0)" })
        // Outputs are structured mode, keyed like the input, and carry their output id.
        for record in records {
            #expect(record.headers.text("content-type") == CloudEventCodec.structuredContentType)
            #expect(record.headers.text(OutboxRecord.outputIdHeader)?.hasPrefix("reply:") == true)
            #expect(record.partition == Murmur2Partitioner.partition(for: record.key ?? [], partitionCount: 3))
        }
        // The graceful stop committed exactly the end of every input partition.
        #expect(try fixture.committedOffsets(group: "g-roundtrip", topic: "echo-in") == fixture.endOffsets(topic: "echo-in"))
        #expect(try fixture.records(on: "dead-letters").isEmpty)
    }

    @Test func handlerFailureMidBatchReprocessesWithoutDuplicates() async throws {
        var batch = requests(0..<20)
        batch[10] = EchoWorker.request(.init(requestId: "r10", failOnce: true), key: "key-3")
        batch[15] = EchoWorker.request(.init(requestId: "r15", failOnce: true), key: "key-1")
        try fixture.publish(batch, topic: "echo-in")
        // Published before the worker starts, so they arrive in one batch per partition.
        let worker = try RunningWorker(EchoWorker(), configuration: fixture.configuration(dataDirectory: data, groupId: "g-fail"))
        let records = try await fixture.waitForRecords(on: "echo-out", count: 20)
        try await Task.sleep(for: .milliseconds(500))
        try await worker.stop()
        expectExactlyOnce(try echoOutputs(try fixture.records(on: "echo-out")), requests: (0..<20).map { "r\($0)" })
        #expect(records.count == 20)
    }

    /// A batch's entities and outputs are encoded together at its end. One that cannot be encoded
    /// must cost only the input whose handler produced it (dead-lettered after its retries), never
    /// the batch or the worker.
    @Test func anEntityOrOutputThatCannotBeEncodedDeadLettersOnlyTheInputThatMadeIt() async throws {
        var batch = (0..<10).map { EchoWorker.request(.init(requestId: "u\($0)"), key: "k-enc") }
        batch[5] = EchoWorker.request(.init(requestId: "u5", unencodableState: true), key: "k-enc")
        batch[7] = EchoWorker.request(.init(requestId: "u7", unencodableOutput: true), key: "k-enc")
        // Published before the worker starts, so they arrive in one batch.
        try fixture.publish(batch, topic: "echo-in")
        let worker = try RunningWorker(EchoWorker(), configuration: fixture.configuration(dataDirectory: data, groupId: "g-encode"))
        let dead = try await fixture.waitForRecords(on: "dead-letters", count: 2)
        let replies = try await fixture.waitForRecords(on: "echo-out", count: 8)
        try await Task.sleep(for: .milliseconds(500))
        try await worker.stop()
        let outputs = try echoOutputs(try fixture.records(on: "echo-out"))
        #expect(outputs.map(\.reply.requestId).sorted() == ["u0", "u1", "u2", "u3", "u4", "u6", "u8", "u9"])
        #expect(outputs.map(\.reply.count).sorted() == Array(1...8), "the failed inputs' changes were not applied")
        #expect(replies.count == 8)
        let inputs = try fixture.records(on: "echo-in")
        let byOffset = Dictionary(uniqueKeysWithValues: dead.map { (Int($0.headers.text("dlq-offset") ?? "") ?? -1, $0) })
        #expect(byOffset.keys.sorted() == [5, 7])
        for (offset, record) in byOffset {
            let reason = record.headers.text("dlq-error") ?? ""
            #expect(reason.hasPrefix("handler-failed:") && reason.contains("cannot be encoded"), "\(reason)")
            #expect(record.value == inputs.first { $0.offset == Int64(offset) }?.value)
        }
        #expect(byOffset[7]?.headers.text("dlq-error")?.contains("an output cannot be encoded") == true)
    }

    /// The pipeline keeps decoded entities between batches; one that another instance on the same
    /// file changed meanwhile must be read again, not served from memory.
    @Test func anEntityAnotherInstanceChangedIsReadAfresh() async throws {
        let worker = try RunningWorker(EchoWorker(), configuration: fixture.configuration(dataDirectory: data, groupId: "g-external"))
        try fixture.publish([EchoWorker.request(.init(requestId: "x1"), key: "shared")], topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 1)
        // A second process of this worker, on the same file, moves the counter on.
        let other = try SQLiteStateStore(dataDirectory: data, workerName: "echo-worker")
        try other.write { try $0.putEntity(namespace: "echo.counter", key: "shared", value: Data(#"{"count":41}"#.utf8)) }
        try fixture.publish([EchoWorker.request(.init(requestId: "x2"), key: "shared")], topic: "echo-in")
        let records = try await fixture.waitForRecords(on: "echo-out", count: 2)
        try await worker.stop()
        let counts = Dictionary(uniqueKeysWithValues: try echoOutputs(records).filter { $0.type == "echo.reply" }.map { ($0.reply.requestId, $0.reply.count) })
        #expect(counts == ["x1": 1, "x2": 42])
    }

    /// Batches are committed on a second thread while the next is handled against a snapshot. When
    /// another process writes to the same file meanwhile, those batches are refused, wound back and
    /// handled again: no request may be lost, answered twice or counted twice.
    @Test func batchesWrittenBehindAreHandledAgainWhenAnotherProcessWritesWithNoLossOrDuplicate() async throws {
        let worker = try RunningWorker(EchoWorker(), configuration: fixture.configuration(dataDirectory: data, groupId: "g-behind"))
        let chunk = 40
        var published = 0
        func publishChunk() throws {
            try fixture.publish(requests(published..<(published + chunk), keys: 13), topic: "echo-in")
            published += chunk
        }
        // Alone on the file: batches are written behind. The first batch after assignment goes through
        // an ordinary transaction, so each chunk is answered before the next is published (on a slow
        // machine a whole phase could otherwise arrive as that one batch), and chunks go on until one
        // batch was written behind: how many the worker needs depends on the machine, not on the store.
        try await worker.waitUntilReady()
        while published < 400 || (worker.health.snapshot.batchesWrittenBehind == 0 && published < 1_200) {
            try publishChunk()
            _ = try await fixture.waitForRecords(on: "echo-out", count: published)
        }
        #expect(worker.health.snapshot.batchesWrittenBehind > 0)
        // A second process of this worker keeps committing to the same file, on its own thread (a task
        // could wait for a busy cooperative pool), and has committed before the next chunk goes out.
        let other = try OtherWriter(SQLiteStateStore(dataDirectory: data, workerName: "echo-worker"))
        defer { other.stop() }
        while other.writes == 0 { try await Task.sleep(for: .milliseconds(5)) }
        // Chunks go on until a batch written behind was refused and wound back (the writer commits
        // between ours in a few milliseconds, so the first batches after it usually are).
        let disturbedFrom = published
        while published < disturbedFrom + 800 || (worker.health.snapshot.writeBehindWindBacks == 0 && published < disturbedFrom + 4_000) {
            try publishChunk()
            try await Task.sleep(for: .milliseconds(30))
        }
        _ = try await fixture.waitForRecords(on: "echo-out", count: published)
        other.stop()
        try await Task.sleep(for: .milliseconds(500))
        try await worker.stop()
        #expect(worker.health.snapshot.writeBehindWindBacks > 0)
        expectExactlyOnce(try echoOutputs(try fixture.records(on: "echo-out")), requests: (0..<published).map { "r\($0)" })
        #expect(try fixture.committedOffsets(group: "g-behind", topic: "echo-in") == fixture.endOffsets(topic: "echo-in"))
    }

    @Test func malformedMessagesReachDeadLettersWithReasonsAndTheNextIsProcessed() async throws {
        let good = EchoWorker.request(.init(requestId: "good"), key: "k-bad")
        let rejected = EchoWorker.request(.init(requestId: "rej", reject: true), key: "k-bad")
        let structured = [KafkaHeader(name: "content-type", text: CloudEventCodec.structuredContentType)]
        let bad: [(topic: String, key: String?, value: Data?, headers: [KafkaHeader])] = [
            ("echo-in", "k-bad", Data("this is not json".utf8), []),
            ("echo-in", "k-bad", Data(#"{"specversion":"1.0","id":"m1","source":"t","time":"2026-11-20T10:00:00Z","data":{"requestId":"x"}}"#.utf8), structured),
            ("echo-in", "k-bad", Data(#"{"specversion":"1.0","id":"m2","source":"t","type":"echo.request","time":"2026-11-20T10:00:00Z","data":{"requestId":5}}"#.utf8), structured),
            ("echo-in", "k-bad", nil, []),
        ]
        try fixture.publish(bad)
        try fixture.publish([rejected, good], topic: "echo-in")
        let worker = try RunningWorker(EchoWorker(), configuration: fixture.configuration(dataDirectory: data, groupId: "g-dlq"))
        let dead = try await fixture.waitForRecords(on: "dead-letters", count: 5)
        let replies = try await fixture.waitForRecords(on: "echo-out", count: 1)
        try await worker.stop()
        #expect(try echoOutputs(replies).map(\.reply.requestId) == ["good"])
        let errors = dead.sorted { $0.offset < $1.offset }.compactMap { $0.headers.text("dlq-error") }
        #expect(errors == [
            "not-json: value is not valid JSON",
            "invalid-envelope: type: required attribute is missing",
            "invalid-data: data.requestId: expected a string",
            "empty-value: record value is empty or null (tombstone)",
            "rejected: data.reject: the request asks to be rejected",
        ])
        let inputs = try fixture.records(on: "echo-in").sorted { $0.offset < $1.offset }
        for record in dead {
            #expect(record.headers.text("dlq-worker") == "echo-worker")
            #expect(record.headers.text("dlq-topic") == "echo-in")
            let offset = Int64(record.headers.text("dlq-offset") ?? "")
            let partition = Int32(record.headers.text("dlq-partition") ?? "")
            let original = try #require(inputs.first { $0.offset == offset && $0.partition == partition })
            #expect(record.value == original.value)
            #expect(record.key == original.key)
            #expect(original.headers.allSatisfy(record.headers.contains))
        }
        #expect(dead.contains { $0.value == nil }, "a dead-lettered tombstone keeps its null value")
    }

    @Test func duplicateEventIdsHaveNoSecondEffect() async throws {
        let first = EchoWorker.request(.init(requestId: "d1"), key: "k-dup", id: "same-id")
        let again = EchoWorker.request(.init(requestId: "d1-again"), key: "k-dup", id: "same-id")
        let other = EchoWorker.request(.init(requestId: "d2"), key: "k-dup", id: "other-id")
        try fixture.publish([first, again], topic: "echo-in")
        try fixture.publish([first], topic: "echo-in", binary: true)
        try fixture.publish([other], topic: "echo-in")
        let worker = try RunningWorker(EchoWorker(), configuration: fixture.configuration(dataDirectory: data, groupId: "g-dup"))
        _ = try await fixture.waitForRecords(on: "echo-out", count: 2)
        try await Task.sleep(for: .seconds(1))
        try await worker.stop()
        let outputs = try echoOutputs(try fixture.records(on: "echo-out"))
        #expect(outputs.map(\.reply.requestId).sorted() == ["d1", "d2"])
        #expect(outputs.map(\.reply.count).sorted() == [1, 2])
    }

    @Test func durableTimersFireOnceWhenTheInjectedClockReachesThem() async throws {
        let clock = ManualClock()
        let request = EchoWorker.request(.init(requestId: "t1", timerSeconds: 3 * 86_400), key: "k-timer", time: clock.now())
        try fixture.publish([request], topic: "echo-in")
        let configuration = fixture.configuration(dataDirectory: data, groupId: "g-timer")
        var worker = try RunningWorker(EchoWorker(), configuration: configuration, clock: clock)
        _ = try await fixture.waitForRecords(on: "echo-out", count: 1)
        clock.advance(by: 2 * 86_400)
        try await Task.sleep(for: .milliseconds(600))
        #expect(try fixture.records(on: "echo-out").count == 1, "not due yet")
        // The timer survives a restart: it lives in the store.
        try await worker.stop()
        worker = try RunningWorker(EchoWorker(), configuration: configuration, clock: clock)
        try await worker.waitUntilReady()
        clock.advance(by: 86_400 + 1)
        let records = try await fixture.waitForRecords(on: "echo-out", count: 2)
        try await Task.sleep(for: .milliseconds(600))
        try await worker.stop()
        let outputs = try echoOutputs(try fixture.records(on: "echo-out"))
        #expect(records.count == 2)
        #expect(outputs.filter { $0.type == "echo.timer" }.map(\.reply.requestId) == ["t1"])
    }

    /// Timers fetched in one batch are fired one after another; one that an earlier firing of the
    /// batch cancelled or moved must not fire as fetched.
    @Test func aTimerCancelledOrMovedByAnEarlierFiringOfItsBatchDoesNotFire() async throws {
        try await TimerChainWorker.expectCancelledAndMovedTimersSkipped(
            fixture: fixture, configuration: fixture.configuration(dataDirectory: data, groupId: "g-chain"))
    }

    @Test func relayRecognisesOutputsPublishedBeforeACrash() async throws {
        // A first run leaves a committed batch; then we fake a crash that happened after the next
        // batch was committed to the store but while only some of its outputs had reached Kafka.
        let configuration = fixture.configuration(dataDirectory: data, groupId: "g-relay")
        var worker = try RunningWorker(EchoWorker(), configuration: configuration)
        try fixture.publish(requests(0..<6, keys: 1, prefix: "a"), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 6)
        try await worker.stop()

        let store = try SQLiteStateStore(dataDirectory: data, workerName: "echo-worker")
        let source = TopicPartition(topic: "echo-in", partition: Murmur2Partitioner.partition(for: Array("key-0".utf8), partitionCount: 3))
        let outputPartition = Murmur2Partitioner.partition(for: Array("key-0".utf8), partitionCount: 3)
        func pending(_ id: String) throws -> OutboxRecord {
            let event = OutgoingEvent(topic: "echo-out", key: "key-0", id: id, type: "echo.reply", source: "echo-worker", time: Date(),
                                      data: EchoWorker.Reply(requestId: id, key: "key-0", count: 0))
            return OutboxRecord(source: source, outputId: id, topic: "echo-out", partition: outputPartition, key: Array("key-0".utf8),
                                value: Data(try CloudEventCodec.encodeStructured(event)),
                                headers: [KafkaHeader(name: OutboxRecord.outputIdHeader, text: id)])
        }
        let lost = try [pending("crash-published"), pending("crash-unpublished")]
        _ = try store.write { try $0.appendOutbox(lost) }
        // The first of them did reach the broker before the "crash".
        try fixture.publish([(topic: "echo-out", key: "key-0", value: lost[0].value, headers: lost[0].headers)])

        worker = try RunningWorker(EchoWorker(), configuration: configuration)
        try await worker.waitUntilReady()
        let records = try await fixture.waitForRecords(on: "echo-out", count: 8)
        try await Task.sleep(for: .milliseconds(500))
        try await worker.stop()
        let ids = try fixture.records(on: "echo-out").compactMap { $0.headers.text(OutboxRecord.outputIdHeader) }
        #expect(records.count == 8)
        #expect(ids.filter { $0 == "crash-published" }.count == 1)
        #expect(ids.filter { $0 == "crash-unpublished" }.count == 1)
        #expect(try store.read { try $0.outboxCount() } == 0)
    }

    @Test func everyOutputPairIsMarkedWhenPartitionsAreAssignedSoNoBatchWaitsToMarkOne() async throws {
        let configuration = fixture.configuration(dataDirectory: data, groupId: "g-marks")
        let worker = try RunningWorker(EchoWorker(), configuration: configuration)
        try await worker.waitUntilReady()
        let store = try SQLiteStateStore(dataDirectory: data, workerName: "echo-worker")
        let outputs = try ["echo-out", "dead-letters"].flatMap { topic in
            try fixture.endOffsets(topic: topic).map { TopicPartition(topic: topic, partition: $0.key) }
        }
        let pairs = (0..<3).flatMap { source in outputs.map { (TopicPartition(topic: "echo-in", partition: Int32(source)), $0) } }
        #expect(pairs.count == 3 * outputs.count && outputs.count > 3)
        func marks() throws -> [Int64?] { try store.read { transaction in try pairs.map { try transaction.outboxMark(source: $0.0, output: $0.1) } } }
        let deadline = ContinuousClock.now + .seconds(20)
        while try marks().contains(nil), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        // Nothing was published yet: each mark is the end of its (empty) output partition, minus one.
        #expect(try marks() == Array(repeating: -1, count: pairs.count))
        try fixture.publish(requests(0..<6, keys: 1, prefix: "m"), topic: "echo-in")
        let replies = try await fixture.waitForRecords(on: "echo-out", count: 6)
        try await Task.sleep(for: .milliseconds(300))
        try await worker.stop()
        let source = TopicPartition(topic: "echo-in", partition: Murmur2Partitioner.partition(for: Array("key-0".utf8), partitionCount: 3))
        let output = TopicPartition(topic: "echo-out", partition: replies[0].partition)
        #expect(try store.read { try $0.outboxMark(source: source, output: output) } == 5)
    }

    @Test func outputsTheBrokerFailedToAcknowledgeArePublishedExactlyOnceWhenItReturns() async throws {
        // Two brokers: inputs, dead letters and the group on broker 1, the outputs on broker 2,
        // which goes down while batches keep coming, for longer than the producer's message timeout.
        let cluster = try DevBrokerFixture(topics: ["echo-in", "echo-out"], partitions: 3, brokers: 2)
        for topic in ["echo-in", "echo-out", "dead-letters"] {
            for partition in Int32(0)..<3 { try cluster.broker.setLeader(topic: topic, partition: partition, broker: topic == "echo-out" ? 2 : 1) }
        }
        try cluster.broker.setGroupCoordinator("g-outage", broker: 1)
        var configuration = cluster.configuration(dataDirectory: data, groupId: "g-outage")
        configuration.kafka.properties["message.timeout.ms"] = "1500"
        let worker = try RunningWorker(EchoWorker(), configuration: configuration)
        try await worker.waitUntilReady()
        let all = requests(0..<90, keys: 5)
        try cluster.publish(Array(all[0..<30]), topic: "echo-in")
        _ = try await cluster.waitForRecords(on: "echo-out", count: 30)

        cluster.broker.setBrokerDown(2)
        try cluster.publish(Array(all[30..<60]), topic: "echo-in")
        try await Task.sleep(for: .seconds(3))
        cluster.broker.setBrokerUp(2)
        try cluster.publish(Array(all[60...]), topic: "echo-in")
        _ = try await cluster.waitForRecords(on: "echo-out", count: 90)
        try await Task.sleep(for: .milliseconds(500))
        try await worker.stop()
        expectExactlyOnce(try echoOutputs(try cluster.records(on: "echo-out")), requests: (0..<90).map { "r\($0)" })
        #expect(try SQLiteStateStore(dataDirectory: data, workerName: "echo-worker").read { try $0.outboxCount() } == 0)
    }

    @Test func twoInstancesShareTheWorkAcrossRebalancesExactlyOnce() async throws {
        let configuration = fixture.configuration(dataDirectory: data, groupId: "g-scale")
        let all = requests(0..<600, keys: 11)
        let first = try RunningWorker(EchoWorker(), configuration: configuration)
        try fixture.publish(Array(all[0..<200]), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 200)
        let second = try RunningWorker(EchoWorker(), configuration: configuration)
        try fixture.publish(Array(all[200..<400]), topic: "echo-in")
        try await second.waitUntilReady(timeout: .seconds(60))
        try await first.stop()
        try fixture.publish(Array(all[400...]), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 600)
        try await Task.sleep(for: .milliseconds(500))
        try await second.stop()
        expectExactlyOnce(try echoOutputs(try fixture.records(on: "echo-out")), requests: (0..<600).map { "r\($0)" })
    }

    @Test func ourPartitionerAgreesWithLibrdkafkaMurmur2() throws {
        let producer = try KafkaProducer(
            properties: ["bootstrap.servers": fixture.bootstrapServers, "partitioner": "murmur2_random"], logger: fixture.logger)
        let keys = (0..<40).map { "order-\($0 * 7919)" }
        let reports = try producer.send(keys.map {
            KafkaOutboundRecord(topic: "echo-out", partition: -1, key: Array($0.utf8), value: Data("{}".utf8), headers: [])
        })
        for (key, report) in zip(keys, reports) {
            #expect(report.partition == Murmur2Partitioner.partition(for: Array(key.utf8), partitionCount: 3))
        }
    }

    @Test func theEndsOfManyPartitionsComeFromOneQueryAndMatchEachPartitionsOwn() throws {
        let producer = try KafkaProducer(properties: ["bootstrap.servers": fixture.bootstrapServers], logger: fixture.logger)
        // Different lengths per partition, one partition left empty.
        let counts: [Int32: Int] = [0: 5, 1: 0, 2: 2]
        _ = try producer.send(counts.flatMap { partition, count in
            (0..<count).map { _ in KafkaOutboundRecord(topic: "echo-out", partition: partition, key: nil, value: Data("{}".utf8), headers: []) }
        })
        let partitions = (0..<3).map { TopicPartition(topic: "echo-out", partition: Int32($0)) }
        let ends = try producer.queryHighWatermarks(partitions)
        // Each partition's own watermark query, one round trip each.
        let own = try fixture.endOffsets(topic: "echo-out")
        #expect(ends.count == 3)
        for partition in partitions {
            #expect(ends[partition] == Int64(counts[partition.partition]!))
            #expect(ends[partition] == own[partition.partition])
        }
        #expect(throws: KafkaError.self) { try producer.queryHighWatermarks([TopicPartition(topic: "echo-out", partition: 7)]) }
    }

    @Test func aPartitionReturningFromAnInstanceWithAnotherStoreIsNotReplayed() async throws {
        // Two instances with separate data directories, as on two hosts, take turns on one group.
        let hostA = fixture.configuration(dataDirectory: temporaryDirectory("host-a"), groupId: "g-hosts")
        let hostB = fixture.configuration(dataDirectory: temporaryDirectory("host-b"), groupId: "g-hosts")
        var worker = try RunningWorker(EchoWorker(), configuration: hostA)
        try fixture.publish(requests(0..<30, prefix: "a"), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 30)
        try await worker.stop()
        worker = try RunningWorker(EchoWorker(), configuration: hostB)
        try fixture.publish(requests(30..<60, prefix: "a"), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 60)
        try await worker.stop()
        // Back on host A, whose store still ends at the first 30: it must not publish B's 30 again.
        worker = try RunningWorker(EchoWorker(), configuration: hostA)
        try await worker.waitUntilReady()
        try fixture.publish(requests(60..<70, prefix: "a"), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 70)
        try await Task.sleep(for: .seconds(1))
        try await worker.stop()
        let replies = try echoOutputs(try fixture.records(on: "echo-out")).filter { $0.type == "echo.reply" }
        #expect(replies.count == 70)
        #expect(Set(replies.map(\.id)).count == 70, "no output published twice")
        #expect(Set(replies.map(\.reply.requestId)) == Set((0..<70).map { "a\($0)" }))
    }
}

/// Another process's connection committing to the worker's file every 2 ms, on its own thread (a
/// task could wait behind a busy cooperative pool while the test believes it is writing).
private final class OtherWriter: Sendable {
    private let committed = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)

    init(_ store: SQLiteStateStore) {
        let thread = Thread { [self] in
            var count = 0
            while !stopped.load(ordering: .relaxed) {
                if (try? store.write({ try $0.putEntity(namespace: "elsewhere", key: "k\(count % 10)", value: Data("\(count)".utf8)) })) != nil {
                    committed.add(1, ordering: .relaxed)
                }
                count += 1
                Thread.sleep(forTimeInterval: 0.002)
            }
        }
        thread.start()
    }

    /// Commits so far.
    var writes: Int { committed.load(ordering: .relaxed) }

    func stop() { stopped.store(true, ordering: .relaxed) }
}
