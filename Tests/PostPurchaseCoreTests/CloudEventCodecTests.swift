import Foundation
import PostPurchaseCore
import Testing

@Suite("CloudEvents codec")
struct CloudEventCodecTests {
    struct OrderCancelled: Codable, Sendable, Equatable {
        var orderId: String
        var reason: String?
    }

    struct Item: Codable, Sendable { var sku: String; var quantity: Int }
    struct WithItems: Codable, Sendable { var orderId: String; var items: [Item] }

    func record(_ value: String?, headers: [KafkaHeader] = [KafkaHeader(name: "content-type", text: "application/cloudevents+json")]) -> KafkaRecord {
        KafkaRecord(topic: "orders", partition: 0, offset: 7, key: Array("o-1".utf8), value: value.map { Data($0.utf8) }, headers: headers)
    }

    let structured = """
        {"specversion":"1.0","id":"evt-1","source":"checkout","type":"order.cancelled","time":"2026-11-20T10:15:00+03:00",
         "subject":"o-1","data":{"orderId":"o-1","reason":"customer request","unknownField":true}}
        """

    @Test func decodesStructuredMode() throws {
        let event = try CloudEventCodec.decode(record(structured))
        #expect(event.id == "evt-1")
        #expect(event.type == "order.cancelled")
        #expect(event.source == "checkout")
        #expect(event.subject == "o-1")
        #expect(event.mode == .structured)
        #expect(event.time == Date(timeIntervalSince1970: 1_795_158_900))
        #expect(try event.decodeData(OrderCancelled.self) == OrderCancelled(orderId: "o-1", reason: "customer request"))
    }

    @Test func decodesStructuredModeWithoutContentTypeHeader() throws {
        let event = try CloudEventCodec.decode(record(structured, headers: []))
        #expect(event.type == "order.cancelled")
    }

    @Test func decodesBinaryMode() throws {
        let headers = [
            KafkaHeader(name: "ce_specversion", text: "1.0"), KafkaHeader(name: "ce_id", text: "evt-2"),
            KafkaHeader(name: "ce_source", text: "fulfilment"), KafkaHeader(name: "ce_type", text: "order.cancelled"),
            KafkaHeader(name: "ce_time", text: "2026-11-20T07:15:00Z"), KafkaHeader(name: "content-type", text: "application/json"),
        ]
        let event = try CloudEventCodec.decode(record(#"{"orderId":"o-9"}"#, headers: headers))
        #expect(event.mode == .binary)
        #expect(event.id == "evt-2")
        #expect(event.subject == nil)
        #expect(try event.decodeData(OrderCancelled.self).orderId == "o-9")
    }

    @Test func roundTripsOutgoingEventsInBothModes() throws {
        let time = Date(timeIntervalSince1970: 1_795_000_000.125)
        let event = OutgoingEvent(topic: .orders, key: "o-1", id: "x-1", type: "order.cancelled", source: "tests",
                                  subject: "o-1", time: time, data: OrderCancelled(orderId: "o-1", reason: nil))
        let structured = try CloudEventCodec.decode(record(String(decoding: try CloudEventCodec.encodeStructured(event), as: UTF8.self)))
        #expect(structured.id == "x-1" && structured.time == time)
        #expect(try structured.decodeData(OrderCancelled.self).orderId == "o-1")
        let binary = try CloudEventCodec.encodeBinary(event)
        let decoded = try CloudEventCodec.decode(KafkaRecord(topic: "t", partition: 0, offset: 0, key: nil, value: Data(binary.value), headers: binary.headers))
        #expect(decoded.mode == .binary && decoded.type == "order.cancelled" && decoded.time == time)
    }

    @Test(arguments: [
        ("not json at all", "not-json", nil as String?),
        (#"[1,2,3]"#, "not-cloudevent", nil),
        (#"{"hello":"world"}"#, "not-cloudevent", nil),
        (#"{"specversion":"1.0","id":"e","source":"s","time":"2026-11-20T10:00:00Z","data":{}}"#, "invalid-envelope", "type"),
        (#"{"specversion":"1.0","id":"e","source":"s","type":"","time":"2026-11-20T10:00:00Z"}"#, "invalid-envelope", "type"),
        (#"{"specversion":"1.0","id":42,"source":"s","type":"t","time":"2026-11-20T10:00:00Z"}"#, "invalid-envelope", "id"),
        (#"{"specversion":"0.3","id":"e","source":"s","type":"t","time":"2026-11-20T10:00:00Z"}"#, "invalid-envelope", "specversion"),
        (#"{"specversion":"1.0","id":"e","source":"s","type":"t","time":"yesterday"}"#, "invalid-envelope", "time"),
        (#"{"specversion":"1.0","id":"e","source":"s","type":"t","time":"2026-11-20T10:00:00"}"#, "invalid-envelope", "time"),
    ])
    func rejectsMalformedEnvelopes(value: String, code: String, field: String?) {
        do {
            _ = try CloudEventCodec.decode(record(value))
            Issue.record("expected a rejection for \(value)")
        } catch {
            #expect(error.code.rawValue == code)
            #expect(error.field == field)
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func rejectsTombstones() {
        #expect(throws: EventRejection.self) { try CloudEventCodec.decode(record(nil)) }
        do { _ = try CloudEventCodec.decode(record("")) } catch { #expect(error.code == .emptyValue) }
    }

    @Test func binaryModeNamesTheMissingHeader() {
        let headers = [KafkaHeader(name: "ce_specversion", text: "1.0"), KafkaHeader(name: "ce_id", text: "e")]
        do {
            _ = try CloudEventCodec.decode(record("{}", headers: headers))
            Issue.record("expected a rejection")
        } catch {
            #expect(error.field == "ce_source")
            #expect(error.description == "invalid-envelope: ce_source: required attribute is missing")
        }
    }

    @Test func dataErrorsNameTheFieldPath() throws {
        let missing = try CloudEventCodec.decode(record(#"{"specversion":"1.0","id":"e","source":"s","type":"t","time":"2026-11-20T10:00:00Z","data":{"orderId":"o","items":[{"sku":"a","quantity":1},{"sku":"b"}]}}"#))
        #expect(throws: EventRejection(field: "data.items[1].quantity", reason: "required field is missing", code: .invalidData)) {
            try missing.decodeData(WithItems.self)
        }
        let wrongType = try CloudEventCodec.decode(record(#"{"specversion":"1.0","id":"e","source":"s","type":"t","time":"2026-11-20T10:00:00Z","data":{"orderId":"o","items":[{"sku":"a","quantity":"two"}]}}"#))
        #expect(throws: EventRejection(field: "data.items[0].quantity", reason: "expected an integer", code: .invalidData)) {
            try wrongType.decodeData(WithItems.self)
        }
        let noData = try CloudEventCodec.decode(record(#"{"specversion":"1.0","id":"e","source":"s","type":"t","time":"2026-11-20T10:00:00Z"}"#))
        #expect(throws: EventRejection(field: "data", reason: "is missing", code: .invalidData)) {
            try noData.decodeData(WithItems.self)
        }
    }

    @Test func structuredScannerHandlesEscapesNestingAndWhitespace() throws {
        let value = """
             {"data" : {"orderId":"o-\\\"1\\u00e9","nested":{"a":[1,-2.5e3,true,false,null,{"b":"}"}]}},
              "specversion":"1.0","id":"e\\u0041\\ud83d\\ude00","source":"s\\/x","type":"order.cancelled",
              "time":"2026-11-20T10:00:00Z","extension":{"x":[]},"subject":null}\t
            """
        let event = try CloudEventCodec.decode(record(value))
        #expect(event.id == "eA😀")
        #expect(event.source == "s/x")
        #expect(event.subject == nil)
        #expect(try event.decodeData(OrderCancelled.self).orderId == "o-\"1é")
    }

    @Test(arguments: [
        #"{"specversion":"1.0","id":"e","source":"s","type":"t","time":"2026-11-20T10:00:00Z"} trailing"#,
        #"{"specversion":"1.0","id":"e","source":"s","type":"t","time":"2026-11-20T10:00:00Z","data":{"a":}}"#,
        #"{"specversion":"1.0","id":"e" "source":"s"}"#,
        #"{"specversion":"1.0","id":"e","data":[1,2}"#,
        #"{"specversion":"1.0","id":"unterminated}"#,
        #"{"specversion":"1.0","id":"e","data":tru}"#,
    ])
    func structuredScannerRejectsBrokenJSON(value: String) {
        do {
            _ = try CloudEventCodec.decode(record(value))
            Issue.record("expected not-json for \(value)")
        } catch {
            #expect(error.code == .notJSON)
        }
    }
}
