/// How far the outputs of one input partition on one output partition are known to be on the
/// topic: every output of `source` at or below `offset` on `output` was acknowledged. Recovery
/// after a crash reads `output` from just past it to find what is already published.
public struct OutboxMark: Sendable, Hashable {
    /// The input partition whose processing produced the outputs.
    public var source: TopicPartition
    /// The output partition they went to.
    public var output: TopicPartition
    /// The highest acknowledged offset on `output`.
    public var offset: Int64

    public init(source: TopicPartition, output: TopicPartition, offset: Int64) {
        self.source = source
        self.output = output
        self.offset = offset
    }
}
