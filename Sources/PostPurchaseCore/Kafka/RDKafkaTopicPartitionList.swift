import CRdKafka

/// Conversions between librdkafka's `rd_kafka_topic_partition_list_t` and our Swift values.
enum RDKafkaTopicPartitionList {
    typealias ListPointer = UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// A new C list; the caller destroys it with `rd_kafka_topic_partition_list_destroy`.
    static func make(_ entries: [(TopicPartition, Int64?)]) -> ListPointer {
        let list = rd_kafka_topic_partition_list_new(Int32(max(entries.count, 1)))!
        for (tp, offset) in entries {
            let element = rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition)!
            element.pointee.offset = offset ?? Int64(RD_KAFKA_OFFSET_INVALID)
        }
        return list
    }

    /// The topic-partitions and offsets of a C list (offset `nil` when not a real offset).
    static func read(_ list: ListPointer) -> [(TopicPartition, Int64?, Int32)] {
        var result: [(TopicPartition, Int64?, Int32)] = []
        result.reserveCapacity(Int(list.pointee.cnt))
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            let tp = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
            result.append((tp, element.offset >= 0 ? element.offset : nil, element.err.rawValue))
        }
        return result
    }
}
