/// Turns logical topic names into the physical names on the cluster (prefix + configured name).
public struct TopicMap: Sendable, Equatable {
    /// Prepended to every topic (`POSTPURCHASE_TOPIC_PREFIX`).
    public var prefix: String
    /// Renamed topics, by logical name; unlisted topics keep their logical name.
    public var overrides: [TopicName: String]

    public init(prefix: String = "", overrides: [TopicName: String] = [:]) {
        self.prefix = prefix
        self.overrides = overrides
    }

    /// The physical name of a logical topic.
    public func physical(_ topic: TopicName) -> String {
        prefix + (overrides[topic] ?? topic.rawValue)
    }

    /// The logical name of a physical topic, if it is one of `candidates`.
    public func logical(_ physical: String, among candidates: [TopicName]) -> TopicName? {
        candidates.first { self.physical($0) == physical }
    }
}
