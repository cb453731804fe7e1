import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// A fresh temporary directory for one test's SQLite files.
func temporaryDirectory(_ name: String = "pp-it") -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Decoded `echo.reply` / `echo.timer` outputs.
struct EchoOutput: Hashable {
    var id: String
    var type: String
    var reply: EchoWorker.Reply
    var key: String
}


func echoOutputs(_ records: [KafkaRecord]) throws -> [EchoOutput] {
    try records.map { record in
        let event = try CloudEventCodec.decode(record)
        return EchoOutput(id: event.id, type: event.type, reply: try event.decodeData(EchoWorker.Reply.self), key: record.keyText ?? "")
    }
}

/// Asserts every request got exactly one reply, and every key's counter went 1, 2, … n with no
/// gap or repeat (state applied exactly once).
func expectExactlyOnce(_ outputs: [EchoOutput], requests: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    let replies = outputs.filter { $0.type == "echo.reply" }
    let ids = replies.map(\.id)
    #expect(ids.count == Set(ids).count, "duplicate outputs: \(ids.count - Set(ids).count)", sourceLocation: sourceLocation)
    #expect(Set(replies.map(\.reply.requestId)) == Set(requests), sourceLocation: sourceLocation)
    #expect(replies.count == requests.count, sourceLocation: sourceLocation)
    for (key, group) in Dictionary(grouping: replies, by: \.key) {
        #expect(group.map(\.reply.count).sorted() == Array(1...group.count), "counter of \(key) skipped or repeated", sourceLocation: sourceLocation)
    }
}

/// Echo requests spread over `keys` keys.
func requests(_ range: Range<Int>, keys: Int = 7, prefix: String = "r", time: Date = Date()) -> [OutgoingEvent] {
    range.map { index in
        EchoWorker.request(.init(requestId: "\(prefix)\(index)"), key: "key-\(index % keys)", time: time)
    }
}
