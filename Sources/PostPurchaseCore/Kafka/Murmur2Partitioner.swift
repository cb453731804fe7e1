/// Kafka's default key partitioner (Java client's `murmur2`), so our outputs land on the same
/// partitions as records keyed the same way by any Java or librdkafka `murmur2` producer.
public enum Murmur2Partitioner {
    /// The partition for `key` among `partitionCount` partitions.
    public static func partition(for key: [UInt8], partitionCount: Int32) -> Int32 {
        precondition(partitionCount > 0, "a topic has at least one partition")
        let positive = hash(key) & 0x7fff_ffff
        return Int32(positive % partitionCount)
    }

    /// Java's `Utils.murmur2`: seed 0x9747b28c, 4-byte little-endian blocks.
    public static func hash(_ data: [UInt8]) -> Int32 {
        let seed: UInt32 = 0x9747_b28c
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        let length = data.count
        var h: UInt32 = seed ^ UInt32(truncatingIfNeeded: length)
        let blocks = length / 4
        data.withUnsafeBufferPointer { bytes in
            for block in 0..<blocks {
                let i = block * 4
                var k = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                    | UInt32(bytes[i + 3]) << 24
                k = k &* m
                k ^= k >> r
                k = k &* m
                h = h &* m
                h ^= k
            }
            let tail = blocks * 4
            switch length & 3 {
            case 3:
                h ^= UInt32(bytes[tail + 2]) << 16
                h ^= UInt32(bytes[tail + 1]) << 8
                h ^= UInt32(bytes[tail])
                h = h &* m
            case 2:
                h ^= UInt32(bytes[tail + 1]) << 8
                h ^= UInt32(bytes[tail])
                h = h &* m
            case 1:
                h ^= UInt32(bytes[tail])
                h = h &* m
            default:
                break
            }
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }
}
