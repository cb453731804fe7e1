import Foundation
@testable import PostPurchaseCore
import PostPurchaseTesting
@testable import Returns
import Testing

/// Whether `python3` with `jsonschema` is there (scripts/setup.sh installs it for the schema check).
private let schemaValidatorAvailable: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import jsonschema, referencing"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

@Suite("Returns outputs against the contract's JSON Schemas")
struct ReturnsContractSchemaTests {
    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/schemas").path

    static let validator = """
        import json, pathlib, sys
        from jsonschema import Draft202012Validator, FormatChecker
        from referencing import Registry, Resource
        d = pathlib.Path(sys.argv[1])
        schemas = {p.name: json.loads(p.read_text()) for p in d.glob("*.json") if p.name != "index.json"}
        registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas.values())
        v = Draft202012Validator(schemas["cloudevent.json"], registry=registry, format_checker=FormatChecker())
        bad = 0
        for line in sys.stdin:
            event = json.loads(line)
            if event["type"] + ".json" not in schemas:
                print("no schema for", event["type"]); bad += 1
            for e in v.iter_errors(event):
                print(event["type"], e.json_path, e.message); bad += 1
        sys.exit(1 if bad else 0)
        """

    @Test(.enabled(if: schemaValidatorAvailable)) func everyOutputOfEveryResolutionValidates() throws {
        let desk = ReturnDesk(composer: ReturnsFixture.composer)
        var context = InMemoryDomainContext(now: ReturnsFixture.date("2025-03-20T09:00:00Z"))
        func send(_ type: String, _ data: any Encodable & Sendable, topic: TopicName = .orders) throws {
            _ = try desk.handle(try ReturnsFixture.input(type, data, time: context.now, topic: topic), context: &context)
        }
        try send(EventType.orderPaid, ReturnsFixture.paid(
            items: [("LAMP", 1, 12_999), ("MUG", 2, 2_000), ("TEE", 1, 5_000), ("SOAP", 1, 900)], categories: ["SOAP": "hygiene"],
            shipping: 1_500, locale: "ar-SA"))
        try send(EventType.orderDelivered, ReturnsFixture.delivered(), topic: .shipmentUpdates)
        let returns: [(String, String, ReturnResolution, String?)] = [
            ("RET-1", "LAMP", .refund, nil), ("RET-2", "MUG", .storeCredit, nil), ("RET-3", "TEE", .exchange, "TEE-L"), ("RET-4", "SOAP", .refund, nil),
        ]
        for (id, sku, resolution, exchange) in returns {
            try send(EventType.returnRequested, ReturnsFixture.request(id, items: [(sku, 1, .damaged)], resolution: resolution, exchangeSku: exchange))
            try send(EventType.returnLabelCreated, ReturnsFixture.label(id))
            try send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit, returnId: id), topic: .shipmentUpdates)
            try send(EventType.shipmentDelivered, ReturnsFixture.returnParcel(.delivered, returnId: id), topic: .shipmentUpdates)
            try send(EventType.returnInspected, ReturnsFixture.inspected(id, items: [(sku, 1, .resellable)]))
        }
        try send(EventType.refundCompleted, RefundCompleted(
            orderId: "ORD-1", refundId: "refund:ORD-1:RET-1", returnId: "RET-1", amount: Money(amount: 12_999, currency: "SAR")))
        #expect(Set(context.types()) == [
            EventType.returnApproved, EventType.returnRejected, EventType.returnLabelRequested, EventType.returnReceived, EventType.refundRequested,
            EventType.storeCreditIssued, EventType.exchangeRequested, EventType.notificationRequested,
        ])
        #expect(Set(try context.messages().map(\.template)) == Set(ReturnMessages.templates))
        let lines = try context.emitted.map { String(decoding: try CloudEventCodec.encodeStructured($0), as: UTF8.self) }.joined(separator: "\n")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.validator, Self.schemas]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(lines.utf8))
        try input.fileHandleForWriting.close()
        let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(report)")
    }
}
