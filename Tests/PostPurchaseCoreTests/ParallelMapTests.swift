import Foundation
@testable import PostPurchaseCore
import Testing

@Suite("Parallel map of a batch's items")
struct ParallelMapTests {
    private func events(_ count: Int) -> [OutgoingEvent] {
        (0..<count).map { index in
            OutgoingEvent(
                topic: .notifications, key: "CUS-\(index % 7)", id: "evt-\(index)", type: "shipment.delivered", source: "test",
                subject: index % 2 == 0 ? "ORD-\(index)" : nil, time: Date(timeIntervalSince1970: 1_700_000_000 + Double(index)),
                data: ["n": "\(index)", "text": String(repeating: "é\"", count: index % 5)])
        }
    }

    @Test(arguments: [0, 1, 63, 64, 65, 1_001])
    func encodingMatchesEncodingOneByOneInOrder(count: Int) throws {
        let batch = events(count)
        #expect(try ParallelMap.map(batch, CloudEventCodec.encodeStructured) == batch.map(CloudEventCodec.encodeStructured))
    }

    @Test func chunksCoverEveryIndexOnce() {
        for count in [0, 1, 15, 16, 17, 64, 1_001] {
            let chunks = (count + ParallelMap.chunkSize - 1) / ParallelMap.chunkSize
            let covered = (0..<chunks).flatMap { Array(ParallelMap.range(ofChunk: $0, count: count)) }
            #expect(covered == Array(0..<count), "count \(count)")
        }
    }

    @Test func aFailingItemFailsTheWholeBatch() {
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try ParallelMap.map(Array(0..<500)) { item in
                if item == 450 { throw Refused() }
                return item * 2
            }
        }
    }
}
