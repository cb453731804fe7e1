import PostPurchaseCore
import Testing

@Suite("Kafka's murmur2 partitioner")
struct Murmur2PartitionerTests {
    /// The Java client's own test vectors (`UtilsTest.testMurmur2`).
    @Test(arguments: [
        ("21", Int32(-973_932_308)),
        ("foobar", Int32(-790_332_482)),
        ("a-little-bit-long-string", Int32(-985_981_536)),
        ("a-little-bit-longer-string", Int32(-1_486_304_829)),
        ("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", Int32(-58_897_971)),
        ("abc", Int32(479_470_107)),
    ])
    func matchesJavaVectors(key: String, hash: Int32) {
        #expect(Murmur2Partitioner.hash(Array(key.utf8)) == hash)
    }

    @Test func partitionsAreInRange() {
        for index in 0..<1_000 {
            let partition = Murmur2Partitioner.partition(for: Array("order-\(index)".utf8), partitionCount: 12)
            #expect((0..<12).contains(partition))
        }
    }
}
