import Foundation
import PostPurchaseTesting
@testable import PostPurchaseCore
import Synchronization
import Testing
@testable import Tracking

/// Provider payload fixtures and builders for tests.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let templates = repositoryTemplatesDirectory

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try data(name)) as! [String: Any]
    }

    static func encode(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// The EasyPost `tracker.updated` fixture with another status, detail, number and scan time.
    static func easyPost(status: String, detail: String?, trackingNumber: String = "9400111899223344556677",
                         at time: String = "2025-03-06T17:38:00Z", carrier: String = "USPS", id: String = "evt_test") throws -> Data {
        var event = try json("easypost_tracker_updated.json")
        var tracker = event["result"] as! [String: Any]
        tracker["status"] = status
        tracker["status_detail"] = detail ?? NSNull()
        tracker["tracking_code"] = trackingNumber
        tracker["carrier"] = carrier
        var details = tracker["tracking_details"] as! [[String: Any]]
        var last = details.removeLast()
        last["status"] = status
        last["status_detail"] = detail ?? NSNull()
        last["datetime"] = time
        details.append(last)
        tracker["tracking_details"] = details
        event["result"] = tracker
        event["id"] = id
        return try encode(event)
    }

    /// The Shippo fixture with another status and substatus.
    static func shippo(status: String, substatus: String?, trackingNumber: String = "9205590164917300112233",
                       at time: String = "2025-03-06T13:05:00Z") throws -> Data {
        var body = try json("shippo_track_updated.json")
        var track = body["data"] as! [String: Any]
        var latest = track["tracking_status"] as! [String: Any]
        latest["status"] = status
        latest["status_date"] = time
        latest["substatus"] = substatus.map { ["code": $0, "text": "", "action_required": false] as [String: Any] } ?? NSNull()
        track["tracking_status"] = latest
        track["tracking_number"] = trackingNumber
        body["data"] = track
        return try encode(body)
    }

    /// The AfterShip fixture with another tag and subtag.
    static func afterShip(tag: String, subtag: String?, trackingNumber: String = "9405516902697600112233",
                          createdAt: String = "2025-03-06T13:20:31+00:00") throws -> Data {
        var body = try json("aftership_tracking_update.json")
        var msg = body["msg"] as! [String: Any]
        msg["tag"] = tag
        msg["subtag"] = subtag ?? NSNull()
        msg["tracking_number"] = trackingNumber
        var checkpoints = msg["checkpoints"] as! [[String: Any]]
        var last = checkpoints.removeLast()
        last["tag"] = tag
        last["subtag"] = subtag ?? NSNull()
        last["created_at"] = createdAt
        checkpoints.append(last)
        msg["checkpoints"] = checkpoints
        body["msg"] = msg
        return try encode(body)
    }

    /// A raw `carrier-events` record.
    static func record(_ body: Data, source: String? = nil, key: String = "tn", offset: Int64 = 0) -> KafkaRecord {
        KafkaRecord(
            topic: "carrier-events", partition: 0, offset: offset, key: Array(key.utf8), value: body,
            headers: source.map { [KafkaHeader(name: CarrierFormat.header, text: $0)] } ?? [])
    }

    /// A raw input for the worker.
    static func carrierInput(_ body: Data, source: String? = nil, offset: Int64 = 0) -> WorkerInput {
        WorkerInput(topic: .carrierEvents, record: record(body, source: source, offset: offset), event: nil)
    }

    /// A CloudEvent input, decoded as the runtime would decode it.
    static func event(_ type: String, _ data: any Encodable & Sendable, id: String = UUID().uuidString, time: Date,
                      topic: TopicName = .orders, key: String = "k", offset: Int64? = nil) throws -> WorkerInput {
        let outgoing = OutgoingEvent(topic: topic, key: key, id: id, type: type, source: "tests", time: time, data: data)
        return try .decoded(outgoing, offset: offset ?? nextOffset())
    }

    private static let offsets = Mutex<Int64>(0)

    /// A fresh offset for each record a test builds, as Kafka would assign.
    static func nextOffset() -> Int64 { offsets.withLock { $0 += 1; return $0 } }

    static func date(_ text: String) -> Date { RFC3339.parse(text)! }

    static func composer() throws -> NotificationComposer {
        try NotificationComposer(directory: templates, required: TrackingMessages.templates)
    }
}
