import CRdKafka

/// Cluster metadata look-ups shared by every client type.
enum KafkaMetadata {
    /// The partition count of one topic, or an error when the cluster does not know it.
    static func partitionCount(handle: OpaquePointer, topic: String, timeoutMilliseconds: Int32) throws -> Int32 {
        guard let topics = try topicPartitionCounts(handle: handle, only: topic, timeoutMilliseconds: timeoutMilliseconds)[topic] else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, operation: "metadata for \(topic)")
        }
        return topics
    }

    /// Topic names with their partition counts (all topics, or just `only`).
    static func topicPartitionCounts(handle: OpaquePointer, only: String?, timeoutMilliseconds: Int32) throws -> [String: Int32] {
        var metadata: UnsafePointer<rd_kafka_metadata_t>?
        var topicHandle: OpaquePointer?
        if let only { topicHandle = rd_kafka_topic_new(handle, only, nil) }
        defer { if let topicHandle { rd_kafka_topic_destroy(topicHandle) } }
        let error = rd_kafka_metadata(handle, only == nil ? 1 : 0, topicHandle, &metadata, timeoutMilliseconds)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(code: error, operation: "metadata")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        var result: [String: Int32] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            if topic.err != RD_KAFKA_RESP_ERR_NO_ERROR || topic.partition_cnt == 0 { continue }
            result[String(cString: topic.topic)] = topic.partition_cnt
        }
        return result
    }
}
